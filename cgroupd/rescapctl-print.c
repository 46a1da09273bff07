/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapctl's printer: the one place that turns what rescapd or the kernel
 * said into text or JSON. Both sides fill the same structures (rk_proc with
 * a unit name, Event, table rows) and call the same functions, so that a
 * command prints the same fields whichever side answered.
 *
 * Tables go through libsmartcols (as lsblk and findmnt: column widths,
 * -o to choose the columns). JSON is written here, from the same columns:
 * libsmartcols 2.38 copies DEL and the C1 controls (U+0080..U+009F) into
 * JSON strings as they are, and a terminal that shows the JSON would act
 * on them.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols/libsmartcols.h>

#include "rescapctl.h"
#include "size.h"
#include "utf8.h"

/* s is valid UTF-8 (the kernel link and rescapd escape what is not); the
 * controls, DEL and C1 too, as \u00NN, so a terminal that shows the JSON
 * runs none of them. */
void json_string(const char *s) {
        putchar('"');
        for (; *s; s++) {
                const unsigned char c = (unsigned char) *s;

                if (c == '"' || c == '\\')
                        printf("\\%c", c);
                else if (c < 0x20 || c == 0x7f)
                        printf("\\u%04x", c);
                else if (c == 0xc2 && (unsigned char) s[1] >= 0x80 && (unsigned char) s[1] < 0xa0)
                        printf("\\u%04x", (unsigned char) *++s);
                else
                        putchar(c);
        }
        putchar('"');
}

/* s for a terminal: its controls escaped as \xNN (utf8.h), in one of a
 * few buffers taken in turn, so that one printf can show several. */
const char *tty_str(const char *s) {
        static char bufs[4][RK_PATH_SIZE];
        static unsigned k;
        char *b = bufs[k++ % 4];

        utf8_escape(b, sizeof(bufs[0]), s, strlen(s), UTF8_ESCAPE_CONTROL);
        return b;
}

void json_cap(const char *name, uint64_t v) {
        if (v == RESCAP_NO_CAP)
                printf(",\"%s\":null", name);
        else
                printf(",\"%s\":%" PRIu64, name, v);
}

const char *cap_str(char *buf, size_t size, uint64_t v, bool bytes) {
        if (v == RESCAP_NO_CAP)
                return "infinity";
        if (bytes)
                return format_size(buf, size, v);
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
}

/* ---- sockets (get, unit-get) ---- */

void print_sockets(const SockReport *s, int err) {
        char a[32], b[32];
        uint32_t total = 0;

        if (arg_json) {
                if (err) {
                        printf(",\"sockets\":null,\"tcp\":null");
                        return;
                }
                printf(",\"sockets\":[");
                for (size_t i = 0; i < s->n_counts; i++)
                        printf("%s{\"family\":\"%s\",\"type\":\"%s\",\"state\":\"%s\",\"count\":%" PRIu32 "}",
                               i ? "," : "", s->counts[i].family, s->counts[i].type, s->counts[i].state,
                               s->counts[i].count);
                printf("],\"tcp\":[");
                for (size_t i = 0; i < s->n_tcp; i++) {
                        printf("%s{\"local\":", i ? "," : "");
                        json_string(s->tcp[i].local);
                        printf(",\"peer\":");
                        json_string(s->tcp[i].peer);
                        printf(",\"state\":\"%s\",\"bytes_sent\":%" PRIu64 ",\"bytes_received\":%" PRIu64 "}",
                               s->tcp[i].state, s->tcp[i].bytes_sent, s->tcp[i].bytes_received);
                }
                printf("]");
                return;
        }
        if (err) {
                printf("Sockets:   unknown (%s)\n", strerror(err));
                return;
        }
        for (size_t i = 0; i < s->n_counts; i++)
                total += s->counts[i].count;
        printf("Sockets:   %" PRIu32, total);
        for (size_t i = 0; i < s->n_counts; i++)
                printf("%s%s%s%s%s%s %" PRIu32, i ? ", " : " (", s->counts[i].family, s->counts[i].type[0] ? " " : "",
                       s->counts[i].type, s->counts[i].state[0] ? " " : "", s->counts[i].state, s->counts[i].count);
        printf("%s\n", s->n_counts ? ")" : "");
        for (size_t i = 0; i < s->n_tcp; i++)
                printf("%s%s -> %s %s, sent %s, received %s\n", i ? "           " : "TCP:       ",
                       tty_str(s->tcp[i].local), tty_str(s->tcp[i].peer), s->tcp[i].state,
                       format_size(a, sizeof(a), s->tcp[i].bytes_sent),
                       format_size(b, sizeof(b), s->tcp[i].bytes_received));
}

/* ---- one process (get) ---- */

void print_proc(const rk_proc *p, const char *unit, const SockReport *s, int sock_err) {
        char a[32], b[32], c[32];

        if (arg_json) {
                printf("{\"pid\":%" PRIu32 ",\"comm\":", p->pid);
                json_string(p->comm);
                printf(",\"state\":\"%c\",\"uid\":%" PRIu32 ",\"inherit\":%s", p->state ?: '?', p->uid,
                       p->flags & RESCAP_REGISTER_FLAGS_NO_INHERIT ? "false" : "true");
                printf(",\"heap\":%" PRIu64 ",\"heap_peak\":%" PRIu64, p->heap, p->heap_peak);
                json_cap("heap_cap", p->heap_cap);
                printf(",\"rss_anon\":%" PRIu64 ",\"fds\":%" PRIu64 ",\"fds_peak\":%" PRIu64,
                       p->rss_anon, p->fds, p->fds_peak);
                json_cap("fd_cap", p->fd_cap);
                printf(",\"action\":\"%s\",\"soft_pct\":%" PRIu32 ",\"cgroup_id\":%" PRIu64 ",\"cgroup\":",
                       rk_action_name(p->action), p->soft_pct, p->cgroup_id);
                json_string(p->cgroup_path);
                printf(",\"unit\":");
                json_string(unit);
                print_sockets(s, sock_err);
                printf("}\n");
                return;
        }
        printf("PID:       %" PRIu32 "\n", p->pid);
        printf("Command:   %s\n", tty_str(p->comm));
        printf("State:     %c\n", p->state ?: '?');
        printf("UID:       %" PRIu32 "\n", p->uid);
        printf("Inherit:   %s\n", p->flags & RESCAP_REGISTER_FLAGS_NO_INHERIT ? "no" : "yes");
        printf("Heap:      %" PRIu64 " (%s, peak %s, cap %s)\n", p->heap,
               format_size(a, sizeof(a), p->heap), format_size(b, sizeof(b), p->heap_peak),
               cap_str(c, sizeof(c), p->heap_cap, true));
        printf("AnonRSS:   %" PRIu64 " (%s)\n", p->rss_anon, format_size(a, sizeof(a), p->rss_anon));
        printf("FDs:       %" PRIu64 " (peak %" PRIu64 ", cap %s)\n", p->fds, p->fds_peak,
               cap_str(c, sizeof(c), p->fd_cap, false));
        printf("Action:    %s\n", rk_action_name(p->action));
        if (p->soft_pct)
                printf("Soft:      %" PRIu32 "%%\n", p->soft_pct);
        else
                printf("Soft:      none\n");
        printf("CGroup:    %s (id %" PRIu64 ")\n", p->cgroup_path[0] ? tty_str(p->cgroup_path) : "-", p->cgroup_id);
        printf("Unit:      %s\n", unit[0] ? tty_str(unit) : "-");
        print_sockets(s, sock_err);
}

/* ---- events (monitor) ---- */

const char *proc_unit(const rk_proc *p, char *buf, size_t size) {
        if (unit_from_cgroup_path(p->cgroup_path, buf, size) < 0)
                buf[0] = 0;
        return buf;
}

void event_from_kernel(Event *e, const rk_proc *p, char *unit, size_t size) {
        proc_unit(p, unit, size);
        *e = (Event) {
                .event = p->cmd == RESCAP_CMD_KILLED ? "killed" :
                         p->cmd == RESCAP_CMD_EXCEEDED ? "warning" : "exited",
                .pid = p->pid, .uid = p->uid, .comm = p->comm, .cgroup = p->cgroup_path, .unit = unit,
                .resource = rk_resource_name(p->resource), .usage = p->usage, .cap = p->cap,
                .action = rk_action_name(p->action),
                .kind = p->cmd == RESCAP_CMD_EXCEEDED ? rk_kind_name(p->kind) : "",
                .policy = p->policy ? rk_policy_name(p->policy) : "",
                .policy_cgroup = p->policy == RESCAP_POLICY_CGROUP ? p->policy_cgroup_path : "",
                .heap_peak = p->heap_peak, .fds_peak = p->fds_peak,
        };
}

void print_event(const Event *e) {
        const bool exited = strcmp(e->event, "exited") == 0;

        if (arg_json) {
                printf("{\"event\":\"%s\",\"pid\":%" PRIu32 ",\"comm\":", e->event, e->pid);
                json_string(e->comm);
                printf(",\"uid\":%" PRIu32, e->uid);
                if (exited)
                        printf(",\"heap_peak\":%" PRIu64 ",\"fds_peak\":%" PRIu64, e->heap_peak, e->fds_peak);
                else {
                        printf(",\"resource\":");
                        json_string(e->resource);
                        printf(",\"usage\":%" PRIu64 ",\"cap\":%" PRIu64 ",\"action\":", e->usage, e->cap);
                        json_string(e->action);
                        if (e->kind[0]) {
                                printf(",\"kind\":");
                                json_string(e->kind);
                        }
                }
                printf(",\"cgroup\":");
                json_string(e->cgroup);
                printf(",\"unit\":");
                json_string(e->unit);
                if (!exited) {
                        printf(",\"policy\":");
                        json_string(e->policy);
                        printf(",\"policy_cgroup\":");
                        json_string(e->policy_cgroup);
                }
                printf("}\n");
        } else {
                printf("%s pid=%" PRIu32 " comm=%s uid=%" PRIu32, e->event, e->pid, tty_str(e->comm), e->uid);
                if (exited)
                        printf(" heap_peak=%" PRIu64 " fds_peak=%" PRIu64, e->heap_peak, e->fds_peak);
                else {
                        printf(" resource=%s usage=%" PRIu64 " cap=%" PRIu64 " action=%s", tty_str(e->resource),
                               e->usage, e->cap, tty_str(e->action));
                        if (e->kind[0])
                                printf(" kind=%s", tty_str(e->kind));
                }
                printf(" cgroup=%s unit=%s", e->cgroup[0] ? tty_str(e->cgroup) : "-",
                       e->unit[0] ? tty_str(e->unit) : "-");
                if (!exited) {
                        printf(" policy=%s", e->policy[0] ? tty_str(e->policy) : "-");
                        if (e->policy_cgroup[0])
                                printf(":%s", tty_str(e->policy_cgroup));
                }
                putchar('\n');
        }
        fflush(stdout);
}

int output_status(void) {
        if (!ferror(stdout))
                return 0;
        /* A reader that left (| head): the end of the output, quietly. */
        if (errno == EPIPE)
                return 1;
        fprintf(stderr, "rescapctl: writing the output: %s\n", strerror(errno));
        return -1;
}

/* ---- tables ---- */

static bool utf8_ctype;

/* The character type for libsmartcols' column widths: the user's if it
 * is UTF-8 (every string printed is UTF-8, its controls escaped), else
 * C.UTF-8's (the C locale of services and scripts): libsmartcols 2.38
 * loops forever measuring a non-ASCII cell in the C locale when it is
 * told not to encode. Only LC_CTYPE: numbers in JSON keep their '.'. */
void printer_init(void) {
        setlocale(LC_CTYPE, "");
        if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
                (void) setlocale(LC_CTYPE, "C.UTF-8");
        utf8_ctype = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* A row kept for a tree (printed at the end, parents first): its cells,
 * strings copied. */
typedef struct TreeRow {
        Cell cells[TABLE_COLUMNS_MAX];
        size_t parent;                  /* index, or SIZE_MAX for a root */
        struct libscols_line *line;
} TreeRow;

struct Table {
        const Column *cols;
        size_t n_cols;
        size_t shown[TABLE_COLUMNS_MAX];
        size_t n_shown;
        struct libscols_table *tb;
        unsigned rows;
        bool tree;                      /* table_new_tree() */
        size_t path_col;                /* the column of the paths */
        TreeRow *kept;
        size_t n_kept;
};

static int column_find(const Column *cols, size_t n, const char *name, size_t len) {
        for (size_t i = 0; i < n; i++)
                if (strlen(cols[i].name) == len && strncasecmp(cols[i].name, name, len) == 0)
                        return (int) i;
        return -1;
}

static int table_make(const Column *cols, size_t n, bool tree, size_t path_col, Table **ret) {
        Table *t = calloc(1, sizeof(*t));
        char header[64];

        if (!t)
                return -ENOMEM;
        t->cols = cols;
        t->n_cols = n;
        t->tree = tree;
        t->path_col = path_col;
        if (arg_columns) {
                for (const char *s = arg_columns; *s; ) {
                        const size_t len = strcspn(s, ",");
                        const int k = column_find(cols, n, s, len);

                        if (t->n_shown == TABLE_COLUMNS_MAX) {
                                fprintf(stderr, "rescapctl: more than %d columns\n", TABLE_COLUMNS_MAX);
                                free(t);
                                return -EINVAL;
                        }
                        if (k < 0) {
                                fprintf(stderr, "rescapctl: unknown column '%.*s' (columns:", (int) len, s);
                                for (size_t i = 0; i < n; i++)
                                        fprintf(stderr, " %s", cols[i].name);
                                fprintf(stderr, ")\n");
                                free(t);
                                return -EINVAL;
                        }
                        t->shown[t->n_shown++] = (size_t) k;
                        s += len + (s[len] == ',');
                }
        } else
                for (size_t i = 0; i < n && i < TABLE_COLUMNS_MAX; i++)
                        t->shown[t->n_shown++] = i;
        if (!t->n_shown) {
                fprintf(stderr, "rescapctl: no column to show\n");
                free(t);
                return -EINVAL;
        }
        if (!arg_json) {
                t->tb = scols_new_table();
                if (!t->tb) {
                        free(t);
                        return -ENOMEM;
                }
                /* The cells are escaped already (tty_str(): \\xNN, as in
                 * every other output), into UTF-8: libsmartcols would escape
                 * their backslashes again. Without a UTF-8 character type
                 * (printer_init()) it encodes what is not ASCII itself. */
                scols_table_enable_noencoding(t->tb, utf8_ctype);
                for (size_t i = 0; i < t->n_shown; i++) {
                        const Column *c = &cols[t->shown[i]];
                        size_t j;

                        for (j = 0; c->name[j] && j + 1 < sizeof(header); j++)
                                header[j] = (char) toupper((unsigned char) c->name[j]);
                        header[j] = 0;
                        if (!scols_table_new_column(t->tb, header, 0,
                                                    c->right ? SCOLS_FL_RIGHT :
                                                    tree && t->shown[i] == path_col ? SCOLS_FL_TREE : 0)) {
                                scols_unref_table(t->tb);
                                free(t);
                                return -ENOMEM;
                        }
                }
        }
        *ret = t;
        return 0;
}

int table_new(const Column *cols, size_t n, Table **ret) {
        return table_make(cols, n, false, 0, ret);
}

int table_new_tree(const Column *cols, size_t n, size_t path_col, Table **ret) {
        return table_make(cols, n, true, path_col, ret);
}

static const char *cell_text(const Column *c, const Cell *v, char *buf, size_t size) {
        switch (c->type) {
        case COL_STR:
                return v->s[0] ? tty_str(v->s) : "-";
        case COL_NUM:
                snprintf(buf, size, "%" PRIu64, v->n);
                return buf;
        case COL_SIZE:
                return format_size(buf, size, v->n);
        case COL_CAP_SIZE:
                return cap_str(buf, size, v->n, true);
        case COL_CAP_NUM:
                return cap_str(buf, size, v->n, false);
        }
        return "?";
}

static void cell_json(const Column *c, const Cell *v) {
        switch (c->type) {
        case COL_STR:
                json_string(v->s);
                break;
        case COL_CAP_SIZE:
        case COL_CAP_NUM:
                if (v->n == RESCAP_NO_CAP) {
                        printf("null");
                        break;
                }
                /* fall through */
        case COL_NUM:
        case COL_SIZE:
                printf("%" PRIu64, v->n);
                break;
        }
}

/* One row, in a table or as a JSON object (children: the rows of a tree
 * below it, or NULL). */
static void row_json(const Table *t, const Cell *row) {
        printf("{");
        for (size_t i = 0; i < t->n_shown; i++) {
                const Column *c = &t->cols[t->shown[i]];

                printf("%s\"%s\":", i ? "," : "", c->name);
                cell_json(c, &row[t->shown[i]]);
        }
}

static int row_line(Table *t, const Cell *row, struct libscols_line *parent, const char *path,
                    struct libscols_line **ret) {
        struct libscols_line *ln = scols_table_new_line(t->tb, parent);
        char buf[64];

        if (!ln)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_shown; i++) {
                const Column *c = &t->cols[t->shown[i]];
                const char *text = path && t->shown[i] == t->path_col ? tty_str(path) :
                                   cell_text(c, &row[t->shown[i]], buf, sizeof(buf));

                if (scols_line_set_data(ln, i, text) < 0)
                        return -ENOMEM;
        }
        if (ret)
                *ret = ln;
        return 0;
}

static int tree_keep(Table *t, const Cell *row) {
        TreeRow *k = realloc(t->kept, (t->n_kept + 1) * sizeof(*k));

        if (!k)
                return -ENOMEM;
        t->kept = k;
        k = &t->kept[t->n_kept];
        memset(k, 0, sizeof(*k));
        for (size_t i = 0; i < t->n_cols && i < TABLE_COLUMNS_MAX; i++) {
                k->cells[i] = row[i];
                if (t->cols[i].type == COL_STR) {
                        k->cells[i].s = strdup(row[i].s);
                        if (!k->cells[i].s) {
                                for (size_t j = 0; j < i; j++)
                                        if (t->cols[j].type == COL_STR)
                                                free((char *) k->cells[j].s);
                                return -ENOMEM;
                        }
                }
        }
        t->n_kept++;
        return 0;
}

int table_add(Table *t, const Cell *row) {
        if (t->tree)
                return tree_keep(t, row);
        if (arg_json) {
                printf("%s", t->rows ? "," : "[");
                row_json(t, row);
                printf("}");
                t->rows++;
                return 0;
        }
        if (row_line(t, row, NULL, NULL, NULL) < 0)
                return -ENOMEM;
        t->rows++;
        return 0;
}

void table_free(Table *t) {
        if (!t)
                return;
        for (size_t r = 0; r < t->n_kept; r++)
                for (size_t i = 0; i < t->n_cols && i < TABLE_COLUMNS_MAX; i++)
                        if (t->cols[i].type == COL_STR)
                                free((char *) t->kept[r].cells[i].s);
        free(t->kept);
        scols_unref_table(t->tb);
        free(t);
}

/* Paths in tree order: component by component ('/' before any other
 * byte), so that each path comes right before the paths below it. */
static int path_cmp(const char *a, const char *b) {
        for (; *a && *a == *b; a++, b++)
                ;
        if (*a == *b)
                return 0;
        if (*a == '/' || !*b)
                return *b ? -1 : 1;
        if (*b == '/' || !*a)
                return *a ? 1 : -1;
        return (unsigned char) *a < (unsigned char) *b ? -1 : 1;
}

static size_t tree_path_col;

static int tree_row_cmp(const void *x, const void *y) {
        const TreeRow *a = x, *b = y;

        return path_cmp(a->cells[tree_path_col].s, b->cells[tree_path_col].s);
}

/* Whether path b is below path a. */
static bool path_below(const char *a, const char *b) {
        const size_t n = strlen(a);

        if (n == 1 && a[0] == '/')
                return b[0] == '/' && b[1];
        return strncmp(a, b, n) == 0 && b[n] == '/';
}

/* The rows in tree order, each one's parent the nearest row above it. */
static void tree_link(Table *t) {
        size_t stack[256], depth = 0;

        tree_path_col = t->path_col;
        qsort(t->kept, t->n_kept, sizeof(*t->kept), tree_row_cmp);
        for (size_t r = 0; r < t->n_kept; r++) {
                const char *path = t->kept[r].cells[t->path_col].s;

                while (depth && !path_below(t->kept[stack[depth - 1]].cells[t->path_col].s, path))
                        depth--;
                t->kept[r].parent = depth ? stack[depth - 1] : SIZE_MAX;
                if (depth < sizeof(stack) / sizeof(stack[0]))
                        stack[depth++] = r;
        }
}

/* A row's JSON object, with its children's in "children". */
static void tree_json(const Table *t, size_t r) {
        bool first = true;

        row_json(t, t->kept[r].cells);
        for (size_t c = r + 1; c < t->n_kept; c++) {
                if (t->kept[c].parent != r)
                        continue;
                printf("%s", first ? ",\"children\":[" : ",");
                first = false;
                tree_json(t, c);
        }
        printf("%s}", first ? "" : "]");
}

/* The tree: a path shown below its parent's without what they share. */
static void tree_print(Table *t) {
        tree_link(t);
        if (arg_json) {
                bool first = true;

                printf("[");
                for (size_t r = 0; r < t->n_kept; r++)
                        if (t->kept[r].parent == SIZE_MAX) {
                                printf("%s", first ? "" : ",");
                                first = false;
                                tree_json(t, r);
                        }
                printf("]\n");
                return;
        }
        for (size_t r = 0; r < t->n_kept; r++) {
                const TreeRow *k = &t->kept[r];
                const char *path = k->cells[t->path_col].s;

                if (k->parent != SIZE_MAX) {
                        const char *above = t->kept[k->parent].cells[t->path_col].s;

                        path += strcmp(above, "/") == 0 ? 1 : strlen(above) + 1;
                }
                if (row_line(t, k->cells, k->parent == SIZE_MAX ? NULL : t->kept[k->parent].line, path,
                             &t->kept[r].line) < 0)
                        return;
        }
        if (t->n_kept)
                (void) scols_print_table(t->tb);
}

/* Prints (a table) or ends (JSON: the array so far) what was added, and
 * frees the table. */
void table_print_free(Table *t) {
        if (!t)
                return;
        if (t->tree)
                tree_print(t);
        else if (arg_json)
                printf("%s\n", t->rows ? "]" : "[]");
        else if (t->rows)
                (void) scols_print_table(t->tb);
        fflush(stdout);
        table_free(t);
}

const Column proc_columns[PROC_COLUMNS] = {
        { "pid",      COL_NUM,      false },
        { "comm",     COL_STR,      false },
        { "uid",      COL_NUM,      true },
        { "heap",     COL_SIZE,     true },
        { "heap_cap", COL_CAP_SIZE, true },
        { "fds",      COL_NUM,      true },
        { "fd_cap",   COL_CAP_NUM,  true },
        { "action",   COL_STR,      false },
        { "unit",     COL_STR,      false },
        { "cgroup",   COL_STR,      false },
};

int table_add_proc(Table *t, const rk_proc *p, const char *unit) {
        const Cell row[PROC_COLUMNS] = {
                { .n = p->pid }, { .s = p->comm }, { .n = p->uid }, { .n = p->heap }, { .n = p->heap_cap },
                { .n = p->fds }, { .n = p->fd_cap }, { .s = rk_action_name(p->action) }, { .s = unit },
                { .s = p->cgroup_path },
        };

        return table_add(t, row);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * rescapctl's printer (cgroupd/rescapctl-print.c) with names made of any
 * bytes: the process names the kernel link hands it (every byte value,
 * invalid UTF-8, a C1 CSI, ESC, quotes, backslashes), printed by get, list
 * and monitor, as JSON and as text. Prints what it printed, one record
 * per line, after a line "X <hex>" with the name the JSON must decode to;
 * print.t checks the JSON with a parser and the text for raw controls.
 * Also: -o column choice, and an unknown column refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rescapctl.h"
#include "utf8.h"

bool arg_json;
const char *arg_columns;

static void hex(const char *s) {
        printf("X ");
        for (; *s; s++)
                printf("%02x", (unsigned char) *s);
        printf("\n");
}

/* Prints one process in every form, with comm made from raw bytes as the
 * kernel link makes it. */
static void one(const char *raw, size_t len) {
        rk_proc p = {
                .pid = 4242, .state = 'S', .uid = 1000, .heap = 1 << 20, .heap_cap = RESCAP_NO_CAP,
                .fds = 7, .fd_cap = 16, .cgroup_id = 99,
        };
        Event e;
        Table *t;
        char unit[256];

        utf8_escape(p.comm, sizeof(p.comm), raw, len, UTF8_ESCAPE_BACKSLASH);
        snprintf(p.cgroup_path, sizeof(p.cgroup_path), "/system.slice/x%s.service", p.comm);
        p.cmd = RESCAP_CMD_KILLED;
        p.resource = RESCAP_RESOURCE_FDS;
        p.usage = 17;
        p.cap = 16;
        p.policy = RESCAP_POLICY_PROCESS;
        event_from_kernel(&e, &p, unit, sizeof(unit));

        arg_json = true;
        hex(p.comm);
        print_proc(&p, unit, &(SockReport) {}, 0);
        hex(p.comm);
        print_event(&e);
        hex(p.comm);
        CHECK(table_new(proc_columns, PROC_COLUMNS, &t) == 0, "table_new");
        CHECK(table_add_proc(t, &p, unit) == 0, "table_add_proc");
        table_print_free(t);

        arg_json = false;
        printf("T\n");
        print_proc(&p, unit, &(SockReport) {}, 0);
        print_event(&e);
        CHECK(table_new(proc_columns, PROC_COLUMNS, &t) == 0, "table_new");
        CHECK(table_add_proc(t, &p, unit) == 0, "table_add_proc");
        table_print_free(t);
        printf("E\n");
}

int main(void) {
        static const char *const cases[] = {
                "plain", "\x1b[31mred", "\xc2\x9b" "2J", "\x9b" "2J", "q\"uote\\", "\x7f" "del",
                "\xff\xfe", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "caf\xc3\xa9", "\t\r\n",
        };
        char b[2];
        Table *t;

        printer_init();         /* as rescapctl */

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                one(cases[i], strlen(cases[i]));
        for (int c = 1; c < 256; c++) {
                b[0] = (char) c;
                one(b, 1);
        }

        /* -o: the chosen columns, in their order; an unknown one refused. */
        arg_json = true;
        arg_columns = "fds,pid";
        CHECK(table_new(proc_columns, PROC_COLUMNS, &t) == 0, "-o fds,pid");
        if (t) {
                rk_proc p = { .pid = 7, .fds = 3 };

                table_add_proc(t, &p, "");
                printf("O ");
                table_print_free(t);
        }
        arg_columns = "pid,nosuch";
        t = NULL;
        CHECK(table_new(proc_columns, PROC_COLUMNS, &t) == -EINVAL && !t, "-o nosuch refused");
        arg_columns = NULL;
        return failed ? 1 : 0;
}

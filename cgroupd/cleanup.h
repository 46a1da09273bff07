/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scope-bound cleanup (the compiler's cleanup attribute), as systemd
 * writes it, for rescapd and rescapctl. sd-bus and sd-event declare their
 * own *_unrefp functions.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}

static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_close_ _cleanup_(closep)

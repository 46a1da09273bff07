/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one assertion of the host unit tests: CHECK(condition, message...)
 * prints where and why and counts the failure in "failed", which main()
 * turns into the exit status.
 */
#pragma once

#include <stdio.h>

static int failed;

#define CHECK(cond, ...) do {                                   \
                if (!(cond)) {                                  \
                        printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                        printf(__VA_ARGS__);                    \
                        printf("\n");                           \
                        failed++;                               \
                }                                               \
        } while (0)

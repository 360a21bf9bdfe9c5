/* Minimal JSON output for --json (strings escaped per RFC 8259). */
#include <stdio.h>

#include "cli.h"

void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void json_error(const char *msg)
{
    fputs("{\"error\":", stdout);
    json_str(stdout, msg);
    fputs("}\n", stdout);
}

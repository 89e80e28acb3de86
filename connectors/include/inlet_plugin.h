/* Inlet's native plugin ABI, version 1.
 *
 * A native connector is a shared library exporting one function, `inlet_plugin_entry`, which returns
 * a pointer to a static `inlet_plugin_v1` table. Inlet loads the library with dlopen, checks
 * `abi_version`, and calls the operations from one thread at a time. Each operation writes Airbyte
 * protocol messages, one JSON document per call of `emit` (no newline needed), and returns 0 when it
 * ran (a check that reports FAILED included), non-zero when it failed; `last_error` then says why.
 * Strings passed in (configs, catalogs, states: JSON text) and out are NUL-terminated UTF-8, owned by
 * the caller; the plugin copies what it keeps.
 */
#ifndef INLET_PLUGIN_H
#define INLET_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define INLET_PLUGIN_ABI_VERSION 1

typedef void (*inlet_emit_fn)(void *context, const char *message, size_t length);

typedef struct {
    uint32_t abi_version; /* INLET_PLUGIN_ABI_VERSION */
    const char *name;
    int (*spec)(inlet_emit_fn emit, void *context);
    int (*check)(const char *config, inlet_emit_fn emit, void *context);
    int (*discover)(const char *config, inlet_emit_fn emit, void *context);
    /* `state` is a JSON list of state messages, "[]" when there is none. */
    int (*read)(const char *config, const char *catalog, const char *state, inlet_emit_fn emit, void *context);
    const char *(*last_error)(void);
} inlet_plugin_v1;

const inlet_plugin_v1 *inlet_plugin_entry(void);

#endif

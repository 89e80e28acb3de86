/* An example native connector: one stream, `numbers`, of `count` records (config {"count": N});
 * a config holding "fail" makes read fail after its records. Build:
 *   cc -shared -fPIC -I../include -o libexample_plugin.so example_plugin.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "inlet_plugin.h"

static const char *error_message = "";

static void emit_text(inlet_emit_fn emit, void *context, const char *text) {
    emit(context, text, strlen(text));
}

static int spec(inlet_emit_fn emit, void *context) {
    emit_text(emit, context, "{\"type\":\"SPEC\",\"spec\":{\"connectionSpecification\":{\"type\":\"object\","
                             "\"properties\":{\"count\":{\"type\":\"integer\"}}}}}");
    return 0;
}

static int check(const char *config, inlet_emit_fn emit, void *context) {
    (void)config;
    emit_text(emit, context, "{\"type\":\"CONNECTION_STATUS\",\"connectionStatus\":{\"status\":\"SUCCEEDED\"}}");
    return 0;
}

static int discover(const char *config, inlet_emit_fn emit, void *context) {
    (void)config;
    emit_text(emit, context, "{\"type\":\"CATALOG\",\"catalog\":{\"streams\":[{\"name\":\"numbers\",\"json_schema\":"
                             "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}},\"supported_sync_modes\":[\"full_refresh\"]}]}}");
    return 0;
}

static int read_records(const char *config, const char *catalog, const char *state, inlet_emit_fn emit, void *context) {
    (void)catalog;
    (void)state;
    const char *count_text = strstr(config, "\"count\":");
    long count = count_text ? strtol(count_text + 8, NULL, 10) : 3;
    char line[256];
    for (long n = 0; n < count; n++) {
        int length = snprintf(line, sizeof line,
                              "{\"type\":\"RECORD\",\"record\":{\"stream\":\"numbers\",\"data\":{\"n\":%ld},\"emitted_at\":1}}", n);
        emit(context, line, (size_t)length);
    }
    if (strstr(config, "fail")) {
        error_message = "the example plugin was asked to fail";
        return 1;
    }
    emit_text(emit, context, "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
                             "{\"name\":\"numbers\"},\"stream_state\":{\"done\":true}}}}");
    return 0;
}

static const char *last_error(void) {
    return error_message;
}

static const inlet_plugin_v1 plugin = {
    INLET_PLUGIN_ABI_VERSION, "example-plugin", spec, check, discover, read_records, last_error,
};

const inlet_plugin_v1 *inlet_plugin_entry(void) {
    return &plugin;
}

#ifndef TOKEN_INFRA_CRDKAFKA_SHIM_H
#define TOKEN_INFRA_CRDKAFKA_SHIM_H
// The header comes from the librdkafka that infra/dev/bootstrap builds (2.8.0), found through
// pkg-config's "rdkafka"; linking is by pkg-config's Libs only (no `link` here), so the static
// library is what the binary gets.
#include <librdkafka/rdkafka.h>
#endif

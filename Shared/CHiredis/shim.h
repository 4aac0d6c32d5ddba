#ifndef TOKEN_INFRA_CHIREDIS_SHIM_H
#define TOKEN_INFRA_CHIREDIS_SHIM_H
// hiredis >= 1.0 with hiredis_ssl, built statically by infra/dev/bootstrap (pkg-config name
// hiredis-static; Debian bookworm's 0.14 has no TLS). Only the blocking API is used, through the
// non-variadic entry points (redisCommandArgv, redisAppendCommandArgv + redisGetReply) that
// Swift can call.
#include <hiredis/hiredis.h>
#include <hiredis/hiredis_ssl.h>

#if HIREDIS_MAJOR < 1
#error "hiredis >= 1.0 with hiredis_ssl is required: run infra/dev/bootstrap and build with its PKG_CONFIG_PATH"
#endif
#endif

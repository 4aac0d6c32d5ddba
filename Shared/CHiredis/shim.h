#ifndef TOKEN_INFRA_CHIREDIS_SHIM_H
#define TOKEN_INFRA_CHIREDIS_SHIM_H
// Debian's libhiredis-dev (0.14.1): only the blocking API is used, through the non-variadic
// entry points (redisCommandArgv, redisAppendCommandArgv + redisGetReply) that Swift can call.
#include <hiredis.h>
#endif

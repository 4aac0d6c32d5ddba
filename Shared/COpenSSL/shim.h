#ifndef TOKEN_INFRA_COPENSSL_SHIM_H
#define TOKEN_INFRA_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#endif

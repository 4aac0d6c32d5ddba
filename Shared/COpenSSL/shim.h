#ifndef TOKEN_INFRA_COPENSSL_SHIM_H
#define TOKEN_INFRA_COPENSSL_SHIM_H
// SHA256_Init/Update/Final on a stack context are deprecated in OpenSSL 3 in favour of EVP,
// which allocates a context per digest; the verified-token cache hashes every request, so it
// uses the low-level calls (docs/ARCHITECTURE.md, "The verified-token cache").
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>
#endif

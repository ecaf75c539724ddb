#ifndef WECHAT_OIDC_COPENSSL_SHIM_H
#define WECHAT_OIDC_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#endif

#include "core/ssp_err.h"

#include <stdarg.h>
#include <stdio.h>

const char *ssp_strerror(int code)
{
	switch (code) {
	case SSP_OK: return "success";
	case SSP_ERR_NOMEM: return "out of memory";
	case SSP_ERR_INVAL: return "invalid argument";
	case SSP_ERR_IO: return "input/output error";
	case SSP_ERR_TOO_BIG: return "input exceeds its size limit";
	case SSP_ERR_PARSE: return "malformed input";
	case SSP_ERR_RANGE: return "value out of range";
	case SSP_ERR_CRYPTO: return "cryptographic operation failed";
	case SSP_ERR_BAD_SIG: return "invalid signature";
	case SSP_ERR_BAD_PASSWORD: return "wrong password or corrupt keystore (MAC mismatch)";
	case SSP_ERR_UNSUPPORTED: return "unsupported";
	case SSP_ERR_NOT_FOUND: return "not found";
	case SSP_ERR_EXISTS: return "already exists";
	case SSP_ERR_DB: return "database error";
	case SSP_ERR_BUSY: return "resource busy";
	case SSP_ERR_CONFIG: return "configuration error";
	case SSP_ERR_PERM: return "unsafe permissions or permission denied";
	case SSP_ERR_STATE: return "not allowed in the current state";
	case SSP_ERR_NET: return "network error";
	case SSP_ERR_TIMEOUT: return "timed out";
	case SSP_ERR_RPC: return "remote error";
	case SSP_ERR_MISMATCH: return "data mismatch";
	case SSP_ERR_SCHEMA: return "database schema is newer than this program or damaged";
	case SSP_ERR_CHECKSUM: return "bad EIP-55 address checksum";
	case SSP_ERR_INTERNAL: return "internal error";
	case SSP_ERR_CHILD: return "child process failed";
	case SSP_ERR_REVERTED: return "execution reverted";
	case SSP_ERR_FILE_TYPE: return "not a regular file";
	}
	return "unknown error";
}

int ssp_errmsg_set(ssp_errmsg *em, int code, const char *fmt, ...)
{
	va_list ap;

	if (em == NULL)
		return code;
	va_start(ap, fmt);
	vsnprintf(em->msg, sizeof(em->msg), fmt, ap);
	va_end(ap);
	return code;
}

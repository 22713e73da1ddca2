/* Error codes shared by every module: functions return 0 or a negative SSP_ERR_*.
 * The enum is append-only: a code's value never changes once released. */
#ifndef SSP_ERR_H
#define SSP_ERR_H

#include <stddef.h>

enum ssp_err {
	SSP_OK = 0,
	SSP_ERR_NOMEM = -1,        /* out of memory */
	SSP_ERR_INVAL = -2,        /* invalid argument from the caller */
	SSP_ERR_IO = -3,           /* a read, write or other system call failed */
	SSP_ERR_TOO_BIG = -4,      /* input larger than its size cap */
	SSP_ERR_PARSE = -5,        /* malformed input */
	SSP_ERR_RANGE = -6,        /* value out of range, or arithmetic overflow */
	SSP_ERR_CRYPTO = -7,       /* a cryptographic primitive failed */
	SSP_ERR_BAD_SIG = -8,      /* a signature is invalid (an outcome, not a failure) */
	SSP_ERR_BAD_PASSWORD = -9, /* keystore MAC mismatch: wrong password or corrupt file */
	SSP_ERR_UNSUPPORTED = -10, /* valid but unsupported (cipher, KDF, version) */
	SSP_ERR_NOT_FOUND = -11,   /* no such file, row or entry */
	SSP_ERR_EXISTS = -12,      /* already exists */
	SSP_ERR_DB = -13,          /* database error */
	SSP_ERR_BUSY = -14,        /* resource busy or locked; try again */
	SSP_ERR_CONFIG = -15,      /* configuration missing or invalid */
	SSP_ERR_PERM = -16,        /* unsafe permissions or access denied */
	SSP_ERR_STATE = -17,       /* operation not allowed in the current state */
	SSP_ERR_NET = -18,         /* network or transport failure */
	SSP_ERR_TIMEOUT = -19,     /* operation timed out */
	SSP_ERR_RPC = -20,         /* the remote end answered with an error */
	SSP_ERR_MISMATCH = -21,    /* data does not match what it must (digest, root, total) */
	SSP_ERR_SCHEMA = -22,      /* database schema newer than this program or damaged */
	SSP_ERR_CHECKSUM = -23,    /* EIP-55 checksum of a mixed-case address is wrong */
	SSP_ERR_INTERNAL = -24,    /* a bug: an invariant does not hold */
	SSP_ERR_CHILD = -25,       /* a child process failed */
	SSP_ERR_REVERTED = -26,    /* a contract call or transaction reverted */
	SSP_ERR_FILE_TYPE = -27,   /* not a regular file: a symlink, FIFO, device or directory */
};

/* On every int-returning ssp_ function: a caller that drops the status gets a warning (an
 * error with --enable-werror). Where a result is truly not needed, say so: (void)!f(...). */
#define SSP_MUST_CHECK __attribute__((warn_unused_result))

/* A message naming what was wrong with external input (the field, the line).
 * Functions that parse outside input take an optional ssp_errmsg *; NULL is allowed. */
typedef struct ssp_errmsg {
	char msg[256];
} ssp_errmsg;

/* Returns a static, human-readable description of code (never NULL). */
const char *ssp_strerror(int code);

/* Formats into em->msg when em is not NULL. Returns code unchanged, for `return ssp_errmsg_set(...)`. */
int ssp_errmsg_set(ssp_errmsg *em, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

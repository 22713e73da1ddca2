/* Files: capped reads, atomic durable writes, permission checks. */
#ifndef SSP_FILE_H
#define SSP_FILE_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads the whole file at path into a new NUL-terminated buffer (*out, caller frees;
 * *len excludes the NUL). SSP_ERR_TOO_BIG when the file exceeds cap bytes,
 * SSP_ERR_NOT_FOUND when it does not exist, SSP_ERR_IO otherwise. */
SSP_MUST_CHECK int ssp_file_read(const char *path, size_t cap, char **out, size_t *len);

/* Opens a file that comes from outside (uploads, exports, downloaded statistics) for
 * reading: never follows a symlink in the last component, never blocks (a FIFO or device is
 * refused, not waited on), accepts only a regular file of at most cap bytes. Returns 0 with
 * *fd (blocking, caller closes) and *size (optional); SSP_ERR_NOT_FOUND; SSP_ERR_FILE_TYPE
 * for a symlink, FIFO, device, socket or directory; SSP_ERR_TOO_BIG; SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_file_open_regular(const char *path, uint64_t cap, int *fd, uint64_t *size);

/* As ssp_file_open_regular, path relative to the directory dirfd (or AT_FDCWD): with a
 * directory opened O_NOFOLLOW itself, nothing below it is followed. */
SSP_MUST_CHECK int ssp_file_openat_regular(int dirfd, const char *path, uint64_t cap, int *fd, uint64_t *size);

/* Reads fd to its end into a new NUL-terminated buffer (*out, caller frees; *len excludes the
 * NUL), at most cap bytes: SSP_ERR_TOO_BIG beyond (the cap holds for what is read, not only for
 * what fstat said of a file that may grow), SSP_ERR_IO, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_file_read_fd(int fd, size_t cap, char **out, size_t *len);

/* As ssp_file_read, with the protections of ssp_file_open_regular; the cap also holds for a
 * file that grows while it is read. */
SSP_MUST_CHECK int ssp_file_read_regular(const char *path, size_t cap, char **out, size_t *len);

/* What path is, for messages, without following a symlink: "regular file", "symbolic link",
 * "directory", "FIFO", "socket", "device", "special file" or "missing". */
const char *ssp_file_type_name(const char *path);
/* The same for path relative to the directory dirfd. */
const char *ssp_file_type_name_at(int dirfd, const char *path);

/* Writes all of data to fd, retrying short writes and EINTR. Returns 0 or SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_file_write_all(int fd, const void *data, size_t len);

/* Writes data to path atomically and durably: a temporary file in the same directory
 * created with mode, fsync, rename, fsync of the directory. Returns 0 or SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* Creates path holding data durably, never replacing anything: a temporary file in the same
 * directory created with mode, fsync, link() into place, unlink of the temporary, fsync of
 * the directory. Returns 0, SSP_ERR_EXISTS when path exists (atomically: a name made
 * meanwhile by someone else is not replaced), or SSP_ERR_IO / SSP_ERR_NOMEM; on failure no
 * file is left behind. */
SSP_MUST_CHECK int ssp_file_write_new(const char *path, const void *data, size_t len, mode_t mode);

/* Returns 0 when path is a regular file not readable or writable by group or others,
 * SSP_ERR_PERM when it is, SSP_ERR_NOT_FOUND / SSP_ERR_IO otherwise. */
SSP_MUST_CHECK int ssp_file_check_private(const char *path);

/* Reads a password file: the first line, without its line end, at most 1 KiB.
 * Refuses (SSP_ERR_PERM) a file readable by group or others. *out is caller-freed
 * and should be wiped with ssp_wipe before free. */
SSP_MUST_CHECK int ssp_file_read_password(const char *path, char **out);

#endif

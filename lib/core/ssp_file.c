#include "core/ssp_file.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SSP_PASSWORD_CAP 1024

int ssp_file_open_regular(const char *path, uint64_t cap, int *fd_out, uint64_t *size)
{
	return ssp_file_openat_regular(AT_FDCWD, path, cap, fd_out, size);
}

int ssp_file_openat_regular(int dirfd, const char *path, uint64_t cap, int *fd_out, uint64_t *size)
{
	struct stat st;
	int fd, flags, rc = SSP_ERR_IO;

	*fd_out = -1;
	/* O_NOFOLLOW: a symlink fails with ELOOP; O_NONBLOCK: opening a FIFO does not wait for
	 * a writer (and a device does not block); the type is then checked on what was opened. */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? SSP_ERR_NOT_FOUND :
		       errno == ELOOP ? SSP_ERR_FILE_TYPE : SSP_ERR_IO;
	if (fstat(fd, &st) != 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		rc = SSP_ERR_FILE_TYPE;
		goto out;
	}
	if ((uint64_t)st.st_size > cap) {
		rc = SSP_ERR_TOO_BIG;
		goto out;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
		goto out;
	if (size)
		*size = (uint64_t)st.st_size;
	*fd_out = fd;
	return 0;
out:
	close(fd);
	return rc;
}

const char *ssp_file_type_name(const char *path)
{
	return ssp_file_type_name_at(AT_FDCWD, path);
}

const char *ssp_file_type_name_at(int dirfd, const char *path)
{
	struct stat st;

	if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return "missing";
	if (S_ISREG(st.st_mode))
		return "regular file";
	if (S_ISLNK(st.st_mode))
		return "symbolic link";
	if (S_ISDIR(st.st_mode))
		return "directory";
	if (S_ISFIFO(st.st_mode))
		return "FIFO";
	if (S_ISSOCK(st.st_mode))
		return "socket";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "device";
	return "special file";
}

int ssp_file_read_fd(int fd, size_t cap, char **out, size_t *len)
{
	int rc = SSP_ERR_IO;
	char *buf = NULL;
	size_t used = 0, size = 0;

	*out = NULL;
	*len = 0;
	for (;;) {
		ssize_t n;

		if (used + 1 >= size) {
			size_t nsize = size ? size * 2 : 4096;
			char *nbuf;

			if (nsize > cap + 2)
				nsize = cap + 2;
			if (nsize <= used + 1) {
				rc = SSP_ERR_TOO_BIG;
				goto out;
			}
			nbuf = realloc(buf, nsize);
			if (nbuf == NULL) {
				rc = SSP_ERR_NOMEM;
				goto out;
			}
			buf = nbuf;
			size = nsize;
		}
		n = read(fd, buf + used, size - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > cap) {
			rc = SSP_ERR_TOO_BIG;
			goto out;
		}
	}
	if (buf == NULL) {
		buf = malloc(1);
		if (buf == NULL) {
			rc = SSP_ERR_NOMEM;
			goto out;
		}
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}

int ssp_file_read(const char *path, size_t cap, char **out, size_t *len)
{
	int fd, rc = SSP_ERR_IO;
	struct stat st;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode))
		goto out;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > cap) {
		rc = SSP_ERR_TOO_BIG;
		goto out;
	}
	rc = ssp_file_read_fd(fd, cap, out, len);
out:
	close(fd);
	return rc;
}

int ssp_file_read_regular(const char *path, size_t cap, char **out, size_t *len)
{
	int fd, rc;

	*out = NULL;
	*len = 0;
	if ((rc = ssp_file_open_regular(path, cap, &fd, NULL)) != 0)
		return rc;
	rc = ssp_file_read_fd(fd, cap, out, len);
	close(fd);
	return rc;
}

int ssp_file_write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SSP_ERR_IO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = SSP_ERR_IO;

	if (copy == NULL)
		return SSP_ERR_NOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		if (fsync(fd) == 0)
			rc = 0;
		close(fd);
	}
	free(copy);
	return rc;
}

/* Creates a temporary file next to path (path.tmpXXXXXX) with mode, writes data to it,
 * fsyncs and closes it: 0 and its name in *tmp_out (caller unlinks or links it, and frees
 * the name), or SSP_ERR_IO / SSP_ERR_NOMEM with nothing left behind. */
static int write_temp(const char *path, const void *data, size_t len, mode_t mode,
		      char **tmp_out)
{
	char *tmp;
	size_t tlen = strlen(path) + 16;
	int fd, rc = SSP_ERR_IO;

	*tmp_out = NULL;
	tmp = malloc(tlen);
	if (tmp == NULL)
		return SSP_ERR_NOMEM;
	snprintf(tmp, tlen, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp); /* nothing was created */
		return SSP_ERR_IO;
	}
	if (fchmod(fd, mode) != 0 || ssp_file_write_all(fd, data, len) != 0)
		goto out;
	if (fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0) {
		unlink(tmp);
		free(tmp);
	} else {
		*tmp_out = tmp;
	}
	return rc;
}

int ssp_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = NULL;
	int rc;

	rc = write_temp(path, data, len, mode, &tmp);
	if (rc != 0)
		return rc;
	rc = SSP_ERR_IO;
	if (rename(tmp, path) != 0)
		goto out;
	rc = fsync_dir_of(path);
out:
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int ssp_file_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = NULL;
	int rc;

	rc = write_temp(path, data, len, mode, &tmp);
	if (rc != 0)
		return rc;
	/* link() never replaces an existing name, and the final name never shows a partly
	 * written file. */
	if (link(tmp, path) != 0) {
		rc = errno == EEXIST ? SSP_ERR_EXISTS : SSP_ERR_IO;
		unlink(tmp);
		free(tmp);
		return rc;
	}
	unlink(tmp);
	free(tmp);
	rc = fsync_dir_of(path);
	if (rc != 0)
		unlink(path); /* on failure no file is left behind */
	return rc;
}

int ssp_file_check_private(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO;
	if (!S_ISREG(st.st_mode))
		return SSP_ERR_IO;
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return SSP_ERR_PERM;
	return 0;
}

int ssp_file_read_password(const char *path, char **out)
{
	char *buf = NULL;
	size_t len;
	int rc;

	*out = NULL;
	rc = ssp_file_check_private(path);
	if (rc != 0)
		return rc;
	rc = ssp_file_read(path, SSP_PASSWORD_CAP, &buf, &len);
	if (rc != 0)
		return rc;
	{
		size_t keep = strcspn(buf, "\r\n");

		/* Wipe whatever followed the first line: it never leaves this function. */
		ssp_wipe(buf + keep, len - keep);
	}
	*out = buf;
	return 0;
}

#include "boinc/ssp_appapi.h"
#include "core/ssp_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

/* Used by the wrapper at start, so that the linker keeps it; update_versions finds it with
 * `strings | grep -E 'API_VERSION_[0-9]+\.[0-9]+\.[0-9]+$'`. */
const char ssp_appapi_version[] = "API_VERSION_" SSP_APPAPI_VERSION;

void ssp_appapi_init(ssp_appapi *a)
{
	memset(a, 0, sizeof(*a));
	a->lock_fd = -1;
}

int ssp_appapi_lock(ssp_appapi *a, const char *path)
{
	struct flock fl;
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);

	if (fd < 0)
		return SSP_ERR_IO;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		int busy = errno == EACCES || errno == EAGAIN;

		close(fd);
		return busy ? SSP_ERR_BUSY : SSP_ERR_IO;
	}
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	a->lock_fd = fd;
	return 0;
}

int ssp_appapi_attach(ssp_appapi *a, const char *mmap_path, int shm_key, pid_t client_pid,
		      double now)
{
	void *p;

	if (shm_key == -1) {
		struct stat sb;
		int fd = open(mmap_path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0)
			return errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO;
		if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			close(fd);
			return SSP_ERR_IO;
		}
		if (sb.st_size < SSP_APPAPI_SHM_SIZE) {
			close(fd);
			return SSP_ERR_PARSE;
		}
		p = mmap(NULL, SSP_APPAPI_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			return SSP_ERR_IO;
		a->shm_sysv = 0;
	} else {
		struct shmid_ds ds;
		int id = shmget((key_t)shm_key, 0, 0);

		if (id < 0)
			return errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO;
		if (shmctl(id, IPC_STAT, &ds) != 0)
			return SSP_ERR_IO;
		if (ds.shm_segsz < SSP_APPAPI_SHM_SIZE)
			return SSP_ERR_PARSE;
		p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			return SSP_ERR_IO;
		a->shm_sysv = 1;
	}
	a->shm = p;
	a->client_pid = client_pid > 0 ? client_pid : 0;
	a->last_heartbeat = now;
	return 0;
}

static unsigned char *channel(ssp_appapi *a, int ch)
{
	return a->shm + (size_t)ch * SSP_APPAPI_CHANNEL_SIZE;
}

int ssp_appapi_receive(ssp_appapi *a, int ch, char *out, size_t cap)
{
	unsigned char *c;
	size_t n = 0;

	if (cap > 0)
		out[0] = '\0';
	if (a->shm == NULL || ch < 0 || ch >= SSP_APPAPI_NCHANNELS || cap == 0)
		return 0;
	c = channel(a, ch);
	/* The flag is set by the client after it wrote the text: read it first. */
	if (__atomic_load_n(&c[0], __ATOMIC_ACQUIRE) == 0)
		return 0;
	while (n + 1 < cap && n + 1 < SSP_APPAPI_CHANNEL_SIZE && c[n + 1] != '\0') {
		out[n] = (char)c[n + 1];
		n++;
	}
	out[n] = '\0';
	__atomic_store_n(&c[0], 0, __ATOMIC_RELEASE);
	return 1;
}

int ssp_appapi_send(ssp_appapi *a, int ch, const char *msg)
{
	unsigned char *c;
	size_t n = strlen(msg);

	if (a->shm == NULL || ch < 0 || ch >= SSP_APPAPI_NCHANNELS)
		return SSP_ERR_STATE;
	if (n + 2 > SSP_APPAPI_CHANNEL_SIZE)
		return SSP_ERR_TOO_BIG;
	c = channel(a, ch);
	if (__atomic_load_n(&c[0], __ATOMIC_ACQUIRE) != 0)
		return SSP_ERR_BUSY;
	memcpy(c + 1, msg, n + 1);
	__atomic_store_n(&c[0], 1, __ATOMIC_RELEASE);
	return 0;
}

/* The number in <tag>...</tag> of msg, as BOINC's parse_double; 0 when absent. */
static int tag_double(const char *msg, const char *tag, double *out)
{
	const char *p = strstr(msg, tag);
	double v;

	if (p == NULL || sscanf(p + strlen(tag), "%lf", &v) != 1)
		return 0;
	*out = v;
	return 1;
}

int ssp_appapi_poll(ssp_appapi *a, double now)
{
	char buf[SSP_APPAPI_CHANNEL_SIZE];
	int got = 0;

	if (a->shm == NULL)
		return 0;
	if (ssp_appapi_receive(a, SSP_APPAPI_CH_HEARTBEAT, buf, sizeof(buf))) {
		got = 1;
		if (strstr(buf, "<heartbeat/>") != NULL)
			a->last_heartbeat = now;
		tag_double(buf, "<wss>", &a->wss);
		tag_double(buf, "<max_wss>", &a->max_wss);
	}
	if (ssp_appapi_receive(a, SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST, buf, sizeof(buf))) {
		got = 1;
		/* In BOINC's order: a message may hold several requests. */
		if (strstr(buf, "<suspend/>") != NULL)
			a->suspended = 1;
		if (strstr(buf, "<resume/>") != NULL)
			a->suspended = 0;
		if (strstr(buf, "<quit/>") != NULL)
			a->quit_request = 1;
		if (strstr(buf, "<abort/>") != NULL)
			a->abort_request = 1;
		if (strstr(buf, "<reread_app_info/>") != NULL)
			a->reread_init_data = 1;
	}
	if (a->client_pid > 0) {
		if (kill(a->client_pid, 0) != 0 && errno == ESRCH)
			a->no_heartbeat = 1;
	} else if (now - a->last_heartbeat > SSP_APPAPI_HEARTBEAT_GIVEUP) {
		a->no_heartbeat = 1;
	}
	return got;
}

int ssp_appapi_report(ssp_appapi *a, double cpu, double checkpoint_cpu, double fraction)
{
	char msg[SSP_APPAPI_CHANNEL_SIZE];

	if (a->shm == NULL)
		return SSP_ERR_STATE;
	if (!(fraction >= 0))
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	snprintf(msg, sizeof(msg),
		 "<current_cpu_time>%e</current_cpu_time>\n"
		 "<checkpoint_cpu_time>%e</checkpoint_cpu_time>\n"
		 "<fraction_done>%e</fraction_done>\n",
		 cpu, checkpoint_cpu, fraction);
	return ssp_appapi_send(a, SSP_APPAPI_CH_APP_STATUS, msg);
}

static int write_small_file(const char *path, const char *text)
{
	size_t n = strlen(text);
	const char *p = text;
	int rc = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);

	if (fd < 0)
		return SSP_ERR_IO;
	rc = ssp_file_write_all(fd, p, n);
	if (close(fd) != 0)
		rc = SSP_ERR_IO;
	return rc;
}

int ssp_appapi_write_finish(const char *path, int status, const char *msg)
{
	char buf[1200];

	/* BOINC's layout: status, then message and "notice" (or an empty line). */
	if (msg != NULL)
		snprintf(buf, sizeof(buf), "%d\n%.1000s\n\n", status, msg);
	else
		snprintf(buf, sizeof(buf), "%d\n", status);
	return write_small_file(path, buf);
}

int ssp_appapi_write_temporary_exit(const char *path, int delay, const char *reason)
{
	char buf[1200];

	snprintf(buf, sizeof(buf), "%d\n%.1000s\n", delay, reason ? reason : "");
	return write_small_file(path, buf);
}

void ssp_appapi_close(ssp_appapi *a)
{
	if (a->shm != NULL) {
		if (a->shm_sysv)
			shmdt(a->shm);
		else
			munmap(a->shm, SSP_APPAPI_SHM_SIZE);
		a->shm = NULL;
	}
	if (a->lock_fd >= 0) {
		close(a->lock_fd); /* releases the fcntl lock */
		a->lock_fd = -1;
	}
}

int ssp_appapi_resolve(const char *logical, char *out, size_t size)
{
	static const char open_tag[] = "<soft_link>", close_tag[] = "</soft_link>";
	char buf[4096 + 32], *a, *b, *nl;
	size_t n;
	ssize_t k;
	int fd;

	n = strlen(logical);
	if (size == 0)
		return SSP_ERR_TOO_BIG;
	if (n >= size) {
		out[0] = '\0';
		return SSP_ERR_TOO_BIG;
	}
	memcpy(out, logical, n + 1);
	/* A symlink (clients from 6.12 on Unix may make them) or a missing file: the name. */
	fd = open(logical, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	{
		struct stat sb;

		if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			close(fd);
			return 0;
		}
	}
	k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (k <= 0)
		return 0;
	buf[k] = '\0';
	/* As BOINC: the tag in the first line. */
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	a = strstr(buf, open_tag);
	if (a == NULL)
		return 0;
	a += sizeof(open_tag) - 1;
	b = strstr(a, close_tag);
	if (b == NULL || b == a)
		return 0;
	if ((size_t)(b - a) >= size)
		return SSP_ERR_TOO_BIG;
	memcpy(out, a, (size_t)(b - a));
	out[b - a] = '\0';
	return 0;
}

/* Suite for lib/boinc/ssp_appapi: the app side of BOINC's client-app protocol. The test
 * plays the client as BOINC's client/app_control.cpp and lib/shmem.cpp do: an 8 KiB
 * memory-mapped file (or System V segment) of 1024-byte channels, byte 0 of a channel set
 * while it holds a message. */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "boinc/ssp_appapi.h"

#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path_buf[4096];

static const char *tmp(const char *name)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s", ssp_cu_tmpdir(), name);
	return path_buf;
}

/* The client's side: creates the mapped file of BOINC's SHARED_MEM size, zeroed. */
static unsigned char *client_mmap(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	void *p;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, 8192) == 0);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	CU_ASSERT_FATAL(p != MAP_FAILED);
	return p;
}

/* The client sends msg on channel ch (BOINC's MSG_CHANNEL::send_msg). */
static void client_send(unsigned char *shm, int ch, const char *msg)
{
	unsigned char *c = shm + ch * 1024;

	snprintf((char *)c + 1, 1023, "%s", msg);
	c[0] = 1;
}

static void test_version_marker(void)
{
	regex_t re;

	/* The pattern of BOINC's tools/update_versions. */
	CU_ASSERT_FATAL(regcomp(&re, "API_VERSION_[0-9][0-9]*\\.[0-9][0-9]*\\.[0-9][0-9]*$", 0) == 0);
	CU_ASSERT_EQUAL(regexec(&re, ssp_appapi_version, 0, NULL, 0), 0);
	regfree(&re);
	CU_ASSERT_STRING_EQUAL(ssp_appapi_version + strlen("API_VERSION_"), SSP_APPAPI_VERSION);
}

static void test_channels_mmap(void)
{
	unsigned char *shm = client_mmap(tmp("boinc_mmap_file"));
	ssp_appapi a;
	char buf[2048];

	/* BOINC's SHARED_MEM layout: channels in this order, 1024 bytes each. */
	CU_ASSERT_EQUAL(SSP_APPAPI_SHM_SIZE, 8192);
	CU_ASSERT_EQUAL(SSP_APPAPI_CH_HEARTBEAT, 4);
	CU_ASSERT_EQUAL(SSP_APPAPI_CH_APP_STATUS, 5);
	ssp_appapi_init(&a);
	CU_ASSERT_EQUAL(ssp_appapi_poll(&a, 0), 0); /* standalone: nothing */
	CU_ASSERT_EQUAL(ssp_appapi_report(&a, 1, 1, 0.5), SSP_ERR_STATE);
	CU_ASSERT_EQUAL_FATAL(ssp_appapi_attach(&a, tmp("boinc_mmap_file"), -1, 0, 100.0), 0);

	client_send(shm, SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST, "<suspend/>");
	client_send(shm, SSP_APPAPI_CH_HEARTBEAT, "<heartbeat/><wss>123456.0</wss><max_wss>2e9</max_wss>");
	CU_ASSERT_EQUAL(ssp_appapi_poll(&a, 101.0), 1);
	CU_ASSERT_TRUE(a.suspended);
	CU_ASSERT_DOUBLE_EQUAL(a.wss, 123456.0, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(a.max_wss, 2e9, 1);
	CU_ASSERT_DOUBLE_EQUAL(a.last_heartbeat, 101.0, 0);
	/* The app cleared the flags: the client may send again. */
	CU_ASSERT_EQUAL(shm[0], 0);
	CU_ASSERT_EQUAL(shm[4 * 1024], 0);
	CU_ASSERT_EQUAL(ssp_appapi_poll(&a, 101.5), 0);
	CU_ASSERT_TRUE(a.suspended);

	client_send(shm, SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST, "<resume/>");
	(void)!ssp_appapi_poll(&a, 102);
	CU_ASSERT_FALSE(a.suspended);
	CU_ASSERT_FALSE(a.quit_request);
	client_send(shm, SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST, "<quit/>");
	(void)!ssp_appapi_poll(&a, 102);
	CU_ASSERT_TRUE(a.quit_request);
	client_send(shm, SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST, "<abort/>");
	(void)!ssp_appapi_poll(&a, 102);
	CU_ASSERT_TRUE(a.abort_request);
	client_send(shm, SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST, "<reread_app_info/>");
	(void)!ssp_appapi_poll(&a, 102);
	CU_ASSERT_TRUE(a.reread_init_data);
	CU_ASSERT_FALSE(a.no_heartbeat);

	/* Status out, in the text BOINC's client parses (parse_double of each tag). */
	CU_ASSERT_EQUAL(ssp_appapi_report(&a, 12.5, 10.25, 0.375), 0);
	CU_ASSERT_EQUAL(shm[5 * 1024], 1);
	CU_ASSERT_STRING_EQUAL((char *)shm + 5 * 1024 + 1,
			       "<current_cpu_time>1.250000e+01</current_cpu_time>\n"
			       "<checkpoint_cpu_time>1.025000e+01</checkpoint_cpu_time>\n"
			       "<fraction_done>3.750000e-01</fraction_done>\n");
	/* Not yet read by the client: the next one is refused. */
	CU_ASSERT_EQUAL(ssp_appapi_report(&a, 13, 10, 0.4), SSP_ERR_BUSY);
	shm[5 * 1024] = 0;
	CU_ASSERT_EQUAL(ssp_appapi_report(&a, 13, 10, 7), 0); /* clamped to 1 */
	CU_ASSERT_PTR_NOT_NULL(strstr((char *)shm + 5 * 1024 + 1, "<fraction_done>1.000000e+00</fraction_done>"));

	/* Generic channels: too long, receive into a small buffer. */
	memset(buf, 'x', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	CU_ASSERT_EQUAL(ssp_appapi_send(&a, SSP_APPAPI_CH_TRICKLE_UP, buf), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_appapi_send(&a, 99, "x"), SSP_ERR_STATE);
	client_send(shm, SSP_APPAPI_CH_TRICKLE_DOWN, "<have_trickle_down/>");
	CU_ASSERT_EQUAL(ssp_appapi_receive(&a, SSP_APPAPI_CH_TRICKLE_DOWN, buf, 6), 1);
	CU_ASSERT_STRING_EQUAL(buf, "<have");
	CU_ASSERT_EQUAL(ssp_appapi_receive(&a, SSP_APPAPI_CH_TRICKLE_DOWN, buf, sizeof(buf)), 0);

	/* No client pid: 30 s without a heartbeat means the client is gone. */
	CU_ASSERT_FALSE(a.no_heartbeat);
	(void)!ssp_appapi_poll(&a, 101.0 + 29.9);
	CU_ASSERT_FALSE(a.no_heartbeat);
	(void)!ssp_appapi_poll(&a, 101.0 + 30.5);
	CU_ASSERT_TRUE(a.no_heartbeat);
	ssp_appapi_close(&a);
	CU_ASSERT_PTR_NULL(a.shm);
	munmap(shm, 8192);
}

static void test_attach_errors(void)
{
	ssp_appapi a;
	int fd;

	ssp_appapi_init(&a);
	CU_ASSERT_EQUAL(ssp_appapi_attach(&a, tmp("no_such_file"), -1, 0, 0), SSP_ERR_NOT_FOUND);
	fd = open(tmp("short_mmap"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ftruncate(fd, 4096) == 0);
	close(fd);
	CU_ASSERT_EQUAL(ssp_appapi_attach(&a, tmp("short_mmap"), -1, 0, 0), SSP_ERR_PARSE);
	{
		char target[4096];

		snprintf(target, sizeof(target), "%s", tmp("short_mmap"));
		CU_ASSERT(symlink(target, tmp("link_mmap")) == 0);
	}
	CU_ASSERT_EQUAL(ssp_appapi_attach(&a, tmp("link_mmap"), -1, 0, 0), SSP_ERR_IO);
	CU_ASSERT_PTR_NULL(a.shm);
}

/* A pre-6.0 client: a System V segment keyed with ftok() of init_data.xml. */
static void test_sysv(void)
{
	const char *p = tmp("init_data.xml");
	int fd = open(p, O_WRONLY | O_CREAT, 0600);
	key_t key;
	int id;
	unsigned char *shm;
	ssp_appapi a;

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	key = ftok(p, 1);
	CU_ASSERT_FATAL(key != -1);
	id = shmget(key, 8192, IPC_CREAT | 0600);
	CU_ASSERT_FATAL(id >= 0);
	shm = shmat(id, NULL, 0);
	CU_ASSERT_FATAL(shm != (void *)-1);
	memset(shm, 0, 8192);
	ssp_appapi_init(&a);
	CU_ASSERT_EQUAL(ssp_appapi_attach(&a, "unused", (int)key, 0, 0), 0);
	client_send(shm, SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST, "<quit/>");
	(void)!ssp_appapi_poll(&a, 1);
	CU_ASSERT_TRUE(a.quit_request);
	CU_ASSERT_EQUAL(ssp_appapi_report(&a, 1, 0, 0.1), 0);
	CU_ASSERT_EQUAL(shm[5 * 1024], 1);
	ssp_appapi_close(&a);
	shmdt(shm);
	shmctl(id, IPC_RMID, NULL);
	/* A key with no segment. */
	ssp_appapi_init(&a);
	CU_ASSERT_EQUAL(ssp_appapi_attach(&a, "unused", (int)key, 0, 0), SSP_ERR_NOT_FOUND);
}

/* A known client pid that exits: the client is gone at the next poll. */
static void test_client_pid(void)
{
	unsigned char *shm = client_mmap(tmp("mmap_pid"));
	ssp_appapi a;
	pid_t pid = fork();
	int st;

	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ssp_appapi_init(&a);
	CU_ASSERT_EQUAL_FATAL(ssp_appapi_attach(&a, tmp("mmap_pid"), -1, pid, 0), 0);
	(void)!ssp_appapi_poll(&a, 1000); /* no heartbeat for long, but the client lives: fine */
	CU_ASSERT_FALSE(a.no_heartbeat);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	(void)!ssp_appapi_poll(&a, 1001);
	CU_ASSERT_TRUE(a.no_heartbeat);
	ssp_appapi_close(&a);
	munmap(shm, 8192);
}

/* The slot lock is exclusive between processes, and released when the holder goes. */
static void test_lock(void)
{
	ssp_appapi a;
	int fds[2], st;
	char c = 0;
	pid_t pid;

	ssp_appapi_init(&a);
	CU_ASSERT_EQUAL_FATAL(ssp_appapi_lock(&a, tmp("boinc_lockfile")), 0);
	CU_ASSERT_FATAL(pipe(fds) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		ssp_appapi b;

		ssp_appapi_init(&b);
		c = ssp_appapi_lock(&b, tmp("boinc_lockfile")) == SSP_ERR_BUSY ? 'B' : 'x';
		if (write(fds[1], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	CU_ASSERT_EQUAL(read(fds[0], &c, 1), 1);
	close(fds[0]);
	waitpid(pid, &st, 0);
	CU_ASSERT_EQUAL(c, 'B');
	ssp_appapi_close(&a);
	CU_ASSERT_EQUAL(a.lock_fd, -1);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		ssp_appapi b;

		ssp_appapi_init(&b);
		_exit(ssp_appapi_lock(&b, tmp("boinc_lockfile")) == 0 ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Not through a symlink. */
	CU_ASSERT(symlink("boinc_lockfile", tmp("lock_link")) == 0);
	CU_ASSERT_EQUAL(ssp_appapi_lock(&a, tmp("lock_link")), SSP_ERR_IO);
}

static char *slurp_tmp(const char *name)
{
	static char buf[2048];
	FILE *f = fopen(tmp(name), "r");
	size_t n;

	CU_ASSERT_FATAL(f != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void test_finish_files(void)
{
	CU_ASSERT_EQUAL(ssp_appapi_write_finish(tmp("boinc_finish_called"), 83, NULL), 0);
	CU_ASSERT_STRING_EQUAL(slurp_tmp("boinc_finish_called"), "83\n");
	CU_ASSERT_EQUAL(ssp_appapi_write_finish(tmp("boinc_finish_called"), 0, "all done"), 0);
	CU_ASSERT_STRING_EQUAL(slurp_tmp("boinc_finish_called"), "0\nall done\n\n");
	CU_ASSERT_EQUAL(ssp_appapi_write_temporary_exit(tmp("boinc_temporary_exit"), 600, "busy"), 0);
	CU_ASSERT_STRING_EQUAL(slurp_tmp("boinc_temporary_exit"), "600\nbusy\n");
	CU_ASSERT_EQUAL(ssp_appapi_write_finish("/nonexistent/dir/boinc_finish_called", 0, NULL), SSP_ERR_IO);
}

static void write_tmp(const char *name, const char *text)
{
	FILE *f = fopen(tmp(name), "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void test_resolve(void)
{
	char out[64], cwd[4096];

	CU_ASSERT_FATAL(getcwd(cwd, sizeof(cwd)) != NULL);
	CU_ASSERT_FATAL(chdir(ssp_cu_tmpdir()) == 0);
	/* As the client writes it (client/app_start.cpp, make_soft_link). */
	write_tmp("in", "<soft_link>../../projects/p/wu_1_in</soft_link>\n");
	CU_ASSERT_EQUAL(ssp_appapi_resolve("in", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "../../projects/p/wu_1_in");
	write_tmp("plain", "just data\n<soft_link>x</soft_link>\n");
	CU_ASSERT_EQUAL(ssp_appapi_resolve("plain", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "plain");
	CU_ASSERT_EQUAL(ssp_appapi_resolve("missing", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "missing");
	CU_ASSERT(symlink("in", "sym") == 0);
	CU_ASSERT_EQUAL(ssp_appapi_resolve("sym", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "sym");
	write_tmp("long", "<soft_link>/a/very/long/path/that/does/not/fit/in/a/small/buffer/at/all</soft_link>");
	CU_ASSERT_EQUAL(ssp_appapi_resolve("long", out, 16), SSP_ERR_TOO_BIG);
	CU_ASSERT_STRING_EQUAL(out, "long");
	CU_ASSERT_EQUAL(ssp_appapi_resolve("long", out, 4), SSP_ERR_TOO_BIG);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_FATAL(chdir(cwd) == 0);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "API version marker", test_version_marker },
		{ "channels over the mapped file", test_channels_mmap },
		{ "attach errors", test_attach_errors },
		{ "System V segment", test_sysv },
		{ "client pid watched", test_client_pid },
		{ "slot lock", test_lock },
		{ "finish and temporary-exit files", test_finish_files },
		{ "soft links", test_resolve },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_tmpdir_remove(ssp_cu_run("appapi", tests));
}

/* Suite for lib/core/ssp_daemon: the daemons' signals and BOINC's stop file, as BOINC's
 * bin/stop uses them (it writes PROJECT_DIR/stop_daemons, then sends SIGHUP). */
#include "core/ssp_daemon.h"
#include "core/ssp_err.h"
#include "ssp_cu.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char stop_file[4096];

struct counter {
	int passes, fail_at, found;
};

/* A pass that counts itself, finds work while found > 0, fails at pass fail_at, and writes
 * the stop file at pass 3 (as bin/stop would while the daemon works). */
static int pass(void *ctx, int *found)
{
	struct counter *c = ctx;
	FILE *f;

	c->passes++;
	*found = c->found-- > 0;
	if (c->passes == c->fail_at)
		return SSP_ERR_DB;
	if (c->passes == 3 && (f = fopen(stop_file, "w")) != NULL)
		fclose(f);
	return 0;
}

static void test_stop_file_and_loop(void)
{
	const char *dir = ssp_cu_tmpdir();
	struct counter c = { 0, 0, 100 };

	snprintf(stop_file, sizeof stop_file, "%s/stop_daemons", dir);
	CU_ASSERT_FALSE(ssp_daemon_boinc_stop(dir));
	CU_ASSERT_FALSE(ssp_daemon_boinc_stop(NULL));
	/* one pass */
	CU_ASSERT_EQUAL(ssp_daemon_loop(dir, 1, 0.1, pass, &c), 0);
	CU_ASSERT_EQUAL(c.passes, 1);
	/* until the stop file: written in pass 3, seen before pass 4 */
	c.passes = 0;
	CU_ASSERT_EQUAL(ssp_daemon_loop(dir, 0, 0.1, pass, &c), 0);
	CU_ASSERT_EQUAL(c.passes, 3);
	CU_ASSERT_TRUE(ssp_daemon_boinc_stop(dir));
	unlink(stop_file);
	/* a failing pass ends the loop with its error */
	c.passes = 0;
	c.fail_at = 2;
	CU_ASSERT_EQUAL(ssp_daemon_loop(dir, 0, 0.1, pass, &c), SSP_ERR_DB);
	CU_ASSERT_EQUAL(c.passes, 2);
	unlink(stop_file);
}

static void test_signals(void)
{
	double t0;

	ssp_daemon_signals();
	CU_ASSERT_FALSE(ssp_daemon_take_hup());
	/* SIGHUP alone: noted once, no stop, and it cuts a nap short */
	raise(SIGHUP);
	CU_ASSERT_FALSE(ssp_daemon_stopping());
	t0 = mono();
	ssp_daemon_nap(5);
	CU_ASSERT(mono() - t0 < 1);
	CU_ASSERT_TRUE(ssp_daemon_take_hup());
	CU_ASSERT_FALSE(ssp_daemon_take_hup());
	/* a nap without a signal lasts */
	t0 = mono();
	ssp_daemon_nap(0.3);
	CU_ASSERT(mono() - t0 >= 0.25);
	/* SIGTERM stops, and a stopped loop runs no pass */
	raise(SIGTERM);
	CU_ASSERT_TRUE(ssp_daemon_stopping());
	CU_ASSERT_NOT_EQUAL(*ssp_daemon_stop_flag(), 0);
	{
		struct counter c = { 0, 0, 0 };

		CU_ASSERT_EQUAL(ssp_daemon_loop(NULL, 0, 0.1, pass, &c), 0);
		CU_ASSERT_EQUAL(c.passes, 0);
	}
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "BOINC's stop file and the daemon loop", test_stop_file_and_loop },
		{ "SIGHUP alone noted, SIGTERM stops", test_signals },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_tmpdir_remove(ssp_cu_run("daemon", tests));
}

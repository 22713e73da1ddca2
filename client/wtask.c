/* ssp_wrapper: preparing and running one task of job.xml. See wrapper_int.h. */
#include "config.h"

#include "wrapper.h"
#include "wrapper_int.h"
#include "wproc.h"

#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "boinc/ssp_initdata.h"
#include "boinc/ssp_jobxml.h"
#include "core/ssp_log.h"
#include "boinc/ssp_receipt.h"
#include "crypto/ssp_sha256.h"


#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

extern char **environ;


/* ---- preparing a task ---- */

/* The GPU device the client gave this result: init_data.xml's <gpu_device_num> (clients for
 * API 7.5 and up), else --device N (older clients append it); -1 when neither. As BOINC's
 * wrapper, init_data.xml wins. */
int gpu_device(const struct wrapper *w)
{
	return w->init->gpu_device_num >= 0 ? w->init->gpu_device_num : w->opts->gpu_device;
}

/* Replaces the macros of BOINC's wrapper: $PROJECT_DIR, $NTHREADS, $PWD, and
 * $GPU_DEVICE_NUM when there is a device (left as it is otherwise, as BOINC's wrapper does). */
static int macros(struct wrapper *w, const char *in, char **out)
{
	static const char *const names[] = { "$PROJECT_DIR", "$NTHREADS", "$PWD", "$GPU_DEVICE_NUM" };
	char nthreads[16], device[16];
	const char *values[4];
	int n = 3, rc;
	char *cur = NULL;

	snprintf(nthreads, sizeof(nthreads), "%d", w->opts->nthreads > 0 ? w->opts->nthreads : 1);
	values[0] = w->init->project_dir[0] ? w->init->project_dir : ".";
	values[1] = nthreads;
	values[2] = w->cwd;
	if (gpu_device(w) >= 0) {
		snprintf(device, sizeof(device), "%d", gpu_device(w));
		values[3] = device;
		n = 4;
	}
	*out = NULL;
	cur = strdup(in);
	if (cur == NULL)
		return SSP_ERR_NOMEM;
	for (int i = 0; i < n; i++) {
		char *next = NULL;

		rc = ssp_jobxml_replace(cur, names[i], values[i], &next);
		free(cur);
		if (rc != 0)
			return rc;
		cur = next;
	}
	*out = cur;
	return 0;
}

/* Replaces each "boinc_resolve(name)" with the resolved path of name. */
static int resolve_phrases(const char *in, char **out)
{
	static const char tag[] = "boinc_resolve(";
	char *buf = NULL, *cur;
	const char *p, *q, *close;

	*out = NULL;
	cur = strdup(in);
	if (cur == NULL)
		return SSP_ERR_NOMEM;
	while ((q = strstr(cur, tag)) != NULL) {
		char name[PATH_CAP], path[PATH_CAP];
		size_t nlen, need;

		p = q + sizeof(tag) - 1;
		close = strchr(p, ')');
		if (close == NULL) {
			free(cur);
			return SSP_ERR_PARSE;
		}
		nlen = (size_t)(close - p);
		if (nlen >= sizeof(name)) {
			free(cur);
			return SSP_ERR_TOO_BIG;
		}
		memcpy(name, p, nlen);
		name[nlen] = '\0';
		resolve(name, path, sizeof(path));
		need = (size_t)(q - cur) + strlen(path) + strlen(close + 1) + 1;
		if (need > SSP_JOBXML_MAX_STRING * 2) {
			free(cur);
			return SSP_ERR_TOO_BIG;
		}
		buf = malloc(need);
		if (buf == NULL) {
			free(cur);
			return SSP_ERR_NOMEM;
		}
		snprintf(buf, need, "%.*s%s%s", (int)(q - cur), cur, path, close + 1);
		free(cur);
		cur = buf;
	}
	*out = cur;
	return 0;
}

/* Names of variables never passed to a task: they may hold credentials. */
static int secret_env_name(const char *entry)
{
	static const char *const words[] = { "AUTH", "PASSW", "SECRET", "TOKEN", "CREDENTIAL",
					     "COOKIE", "PRIVATE", "APIKEY", "API_KEY", "_KEY" };
	char name[256];
	size_t n = 0;

	while (entry[n] && entry[n] != '=' && n < sizeof(name) - 1) {
		name[n] = (char)toupper((unsigned char)entry[n]);
		n++;
	}
	name[n] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(name, words[i]) != NULL)
			return 1;
	return n >= 3 && strcmp(name + n - 3, "KEY") == 0;
}

static int same_name(const char *a, const char *b)
{
	while (*a && *a != '=' && *a == *b)
		a++, b++;
	return *a == '=' && *b == '=';
}

/* The task's environment: the wrapper's, minus credential-like names, plus <setenv>. */
static int build_env(struct wrapper *w, const ssp_jobxml_task *t, char ***out)
{
	size_t n = 0, cap = t->nsetenv + 1;
	char **env;

	*out = NULL;
	for (char **e = environ; e && *e; e++)
		cap++;
	env = calloc(cap, sizeof(*env));
	if (env == NULL)
		return SSP_ERR_NOMEM;
	for (char **e = environ; e && *e; e++) {
		int overridden = 0;

		if (secret_env_name(*e))
			continue;
		for (size_t i = 0; i < t->nsetenv; i++)
			if (same_name(*e, t->setenv[i]))
				overridden = 1;
		if (overridden)
			continue;
		if ((env[n++] = strdup(*e)) == NULL)
			goto nomem;
	}
	for (size_t i = 0; i < t->nsetenv; i++) {
		if (macros(w, t->setenv[i], &env[n]) != 0)
			goto nomem;
		n++;
	}
	*out = env;
	return 0;
nomem:
	argv_free(env);
	return SSP_ERR_NOMEM;
}

static void prepared_clear(struct prepared *p)
{
	argv_free(p->argv);
	argv_free(p->envp);
	if (p->fd_in >= 0)
		close(p->fd_in);
	if (p->fd_out >= 0)
		close(p->fd_out);
	if (p->fd_err >= 0)
		close(p->fd_err);
	free(p->exec_dir);
	memset(p, 0, sizeof(*p));
	p->fd_in = p->fd_out = p->fd_err = -1;
}

/* The absolute path of task i's application; fails the result when it is missing. */
void app_path(struct wrapper *w, size_t i, char *out, size_t size)
{
	const ssp_jobxml_task *t = ssp_jobxml_task_at(w->job, i);
	char path[PATH_CAP];
	struct stat sb;

	if (strstr(t->application, "$PROJECT_DIR") != NULL) {
		char *s = NULL;

		if (macros(w, t->application, &s) != 0)
			fail(SSP_WRAPPER_EXIT_NOAPP, "task %zu: application path %s is too long", i + 1,
			     t->application);
		snprintf(path, sizeof(path), "%s", s);
		free(s);
	} else {
		resolve(t->application, path, sizeof(path));
	}
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		fail(SSP_WRAPPER_EXIT_NOAPP, "task %zu: application %s is missing (looked for %s)", i + 1,
		     t->application, path);
	if (access(path, X_OK) != 0)
		fail(SSP_WRAPPER_EXIT_NOAPP, "task %zu: application %s (%s) is not executable", i + 1,
		     t->application, path);
	if (path[0] == '/')
		snprintf(out, size, "%s", path);
	else if ((size_t)snprintf(out, size, "%s/%s", w->cwd, path) >= size)
		fail(SSP_WRAPPER_EXIT_NOAPP, "task %zu: application path is too long", i + 1);
}

static int open_std(const char *logical, int flags, int *fd, char *path, size_t size)
{
	resolve(logical, path, size);
	*fd = open(path, flags | O_CLOEXEC, 0644);
	return *fd < 0 ? -1 : 0;
}

static void prepare(struct wrapper *w, size_t i, struct prepared *p)
{
	const ssp_jobxml_task *t = ssp_jobxml_task_at(w->job, i);
	char *line = NULL, *resolved = NULL, **words = NULL, path[PATH_CAP];
	size_t nwords = 0, k = 0;
	ssp_errmsg em = { { 0 } };
	int rc;

	memset(p, 0, sizeof(*p));
	p->fd_in = p->fd_out = p->fd_err = -1;
	app_path(w, i, p->app_path, sizeof(p->app_path));

	rc = macros(w, t->command_line ? t->command_line : "", &line);
	if (rc == 0)
		rc = resolve_phrases(line, &resolved);
	if (rc == 0)
		rc = ssp_jobxml_split_cmdline(resolved, &words, &nwords, &em);
	free(line);
	free(resolved);
	if (rc != 0)
		fail(SSP_WRAPPER_EXIT_JOBXML, "task %zu: bad command line: %s", i + 1,
		     em.msg[0] ? em.msg : ssp_strerror(rc));
	p->argv = calloc(nwords + w->opts->npassthrough + 2, sizeof(char *));
	if (p->argv == NULL || (p->argv[k++] = strdup(p->app_path)) == NULL)
		fail(SSP_WRAPPER_EXIT_INIT, "out of memory");
	for (size_t j = 0; j < nwords; j++) {
		p->argv[k++] = words[j];
		words[j] = NULL;
	}
	free(words);
	if (t->append_cmdline_args)
		for (size_t j = 0; j < w->opts->npassthrough; j++)
			if ((p->argv[k++] = strdup(w->opts->passthrough[j])) == NULL)
				fail(SSP_WRAPPER_EXIT_INIT, "out of memory");
	if (build_env(w, t, &p->envp) != 0)
		fail(SSP_WRAPPER_EXIT_INIT, "out of memory");

	if (t->stdin_filename && open_std(t->stdin_filename, O_RDONLY, &p->fd_in, path, sizeof(path)) != 0)
		fail(SSP_WRAPPER_EXIT_TASK_IO, "task %zu: cannot open stdin file %s (%s): %s", i + 1,
		     t->stdin_filename, path, strerror(errno));
	if (t->stdout_filename &&
	    open_std(t->stdout_filename, O_WRONLY | O_CREAT | O_APPEND, &p->fd_out, path, sizeof(path)) != 0)
		fail(SSP_WRAPPER_EXIT_TASK_IO, "task %zu: cannot open stdout file %s (%s): %s", i + 1,
		     t->stdout_filename, path, strerror(errno));
	if (t->stderr_filename &&
	    open_std(t->stderr_filename, O_WRONLY | O_CREAT | O_APPEND, &p->fd_err, path, sizeof(path)) != 0)
		fail(SSP_WRAPPER_EXIT_TASK_IO, "task %zu: cannot open stderr file %s (%s): %s", i + 1,
		     t->stderr_filename, path, strerror(errno));
	if (t->exec_dir) {
		struct stat sb;

		if (macros(w, t->exec_dir, &p->exec_dir) != 0)
			fail(SSP_WRAPPER_EXIT_INIT, "out of memory");
		if (stat(p->exec_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
			fail(SSP_WRAPPER_EXIT_TASK_IO, "task %zu: exec_dir %s is not a directory", i + 1,
			     p->exec_dir);
	}
}

/* ---- running ---- */

/* In the child, between fork and exec: async-signal-safe calls only. */
static void __attribute__((noreturn)) child(const struct prepared *p, pid_t parent, int errfd)
{
	sigset_t none;
	int err;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((p->fd_in >= 0 && dup2(p->fd_in, 0) < 0) || (p->fd_out >= 0 && dup2(p->fd_out, 1) < 0) ||
	    (p->fd_err >= 0 && dup2(p->fd_err, 2) < 0))
		goto failed;
	/* Everything else the wrapper holds (the slot lock, shared memory) stays out. */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != errfd)
			close(fd);
	if (p->exec_dir && chdir(p->exec_dir) != 0)
		goto failed;
	execve(p->app_path, p->argv, p->envp);
failed:
	err = errno;
	while (write(errfd, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(127);
}

static pid_t start_task(struct wrapper *w, size_t i, struct prepared *p)
{
	int pipefd[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		fail(SSP_WRAPPER_EXIT_TASK_IO, "pipe: %s", strerror(errno));
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		fail(SSP_WRAPPER_EXIT_TASK_IO, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(pipefd[0]);
		child(p, getppid(), pipefd[1]);
	}
	close(pipefd[1]);
	setpgid(pid, pid);
	do {
		n = read(pipefd[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(pid, NULL, 0);
		if (err == ENOEXEC || err == EACCES || err == ENOENT)
			fail(SSP_WRAPPER_EXIT_NOAPP, "task %zu: cannot execute %s: %s", i + 1, p->app_path,
			     strerror(err));
		fail(SSP_WRAPPER_EXIT_TASK_IO, "task %zu: cannot start %s: %s", i + 1, p->app_path,
		     strerror(err));
	}
	return pid;
}

/* Kills the whole task (group and strays) and reaps the leader. */
static void kill_task(struct running *r)
{
	int status;

	wproc_tree_signal(getpid(), r->pid, SIGKILL);
	kill(-r->pid, SIGCONT);
	while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Re-parented strays, if any. */
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

void state_save(struct wrapper *w)
{
	int rc;

	rc = ssp_receipt_state_write(&w->st, SSP_RECEIPT_STATE_FILE);
	if (rc != 0)
		fail(SSP_WRAPPER_EXIT_OUTPUT, "cannot write %s: %s", SSP_RECEIPT_STATE_FILE, ssp_strerror(rc));
}

/* The last number in a fraction-done file, clamped to [0, 1]; -1 when there is none. */
static double read_fraction(const char *path)
{
	char buf[128], *line, *end;
	ssize_t n;
	off_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	double v = -1;

	if (fd < 0)
		return -1;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	v = strtod(line, &end);
	if (end == line || !isfinite(v))
		return -1;
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* Progress of the whole job, given task i's own progress f in [0, 1]. */
static double job_fraction(struct wrapper *w, size_t i, double f)
{
	double done = 0, frac;

	for (size_t k = 0; k < i; k++)
		done += ssp_jobxml_task_at(w->job, k)->weight;
	frac = (done + f * ssp_jobxml_task_at(w->job, i)->weight) / w->total_weight;
	frac = w->init->fraction_done_start +
	       frac * (w->init->fraction_done_end - w->init->fraction_done_start);
	return frac;
}

/* The latest status, until the client has room for it. */
static struct {
	int pending;
	double cpu, ckpt_cpu, frac;
} last_status;

void report(struct wrapper *w, double cpu_total, double frac)
{
	double ckpt_cpu = w->st.cur_cpu_time;

	for (size_t k = 0; k < w->st.tasks_done; k++)
		ckpt_cpu += w->st.done[k].cpu_time;
	/* Never move backwards: a restarted task rewrites its fraction file from scratch. */
	if (frac < w->reported)
		frac = w->reported;
	if (frac > 1)
		frac = 1;
	w->reported = frac;
	last_status.cpu = cpu_total;
	last_status.ckpt_cpu = ckpt_cpu;
	last_status.frac = frac;
	last_status.pending = !w->standalone;
	report_flush();
}

void report_flush(void)
{
	/* BOINC drops a status the client has not made room for; the next one replaces it. */
	if (last_status.pending &&
	    ssp_appapi_report(&wapi, last_status.cpu, last_status.ckpt_cpu, last_status.frac) != SSP_ERR_BUSY)
		last_status.pending = 0;
}

int report_pending(void)
{
	return last_status.pending;
}

/* CPU seconds of everything already accounted: finished tasks and the current task's
 * earlier runs. */
double cpu_before(const struct wrapper *w)
{
	double c = w->st.cur_cpu_time;

	for (size_t k = 0; k < w->st.tasks_done; k++)
		c += w->st.done[k].cpu_time;
	return c;
}

static void progress(struct wrapper *w, size_t i, struct running *r)
{
	const ssp_jobxml_task *t = ssp_jobxml_task_at(w->job, i);
	double run_cpu = r->cpu_seen + r->reaped_cpu - r->cpu_base;
	double task_cpu = w->st.cur_cpu_time + run_cpu;
	double f = -1;

	if (r->frac_path[0])
		f = read_fraction(r->frac_path);
	if (f < 0 && w->est_cpu > 0) {
		double est = w->est_cpu * t->weight / w->total_weight;

		f = est > 0 ? task_cpu / est : 0;
		if (f > 0.99)
			f = 0.99;
	}
	if (f < 0)
		f = 0;
	report(w, cpu_before(w) + run_cpu, job_fraction(w, i, f));
}

static int ckpt_changed(struct running *r)
{
	struct stat sb;
	int changed;

	if (r->ckpt_path[0] == '\0' || stat(r->ckpt_path, &sb) != 0)
		return 0;
	changed = !r->ckpt_seen || sb.st_mtim.tv_sec != r->ckpt_stat.st_mtim.tv_sec ||
		  sb.st_mtim.tv_nsec != r->ckpt_stat.st_mtim.tv_nsec || sb.st_ino != r->ckpt_stat.st_ino ||
		  sb.st_size != r->ckpt_stat.st_size;
	r->ckpt_stat = sb;
	r->ckpt_seen = 1;
	return changed;
}

/* The task checkpointed: what it has done so far is safe; move it into the state. */
static void task_checkpointed(struct wrapper *w, size_t i, struct running *r)
{
	wproc_usage u;
	double run_cpu;

	if (wproc_tree_usage(getpid(), 1, &u) == 0 && u.cpu > r->cpu_seen)
		r->cpu_seen = u.cpu;
	run_cpu = r->cpu_seen + r->reaped_cpu;
	w->st.cur_cpu_time += run_cpu - r->cpu_base;
	r->cpu_base = run_cpu;
	w->st.cur_wall_time += r->wall - r->wall_base;
	r->wall_base = r->wall;
	if (u.peak_rss_kb > w->st.cur_peak_rss_kb)
		w->st.cur_peak_rss_kb = u.peak_rss_kb;
	if (r->reaped_rss_kb > w->st.cur_peak_rss_kb)
		w->st.cur_peak_rss_kb = r->reaped_rss_kb;
	w->st.fraction_done = w->reported;
	state_save(w);
	ssp_log_debug("task %zu checkpointed: %.2f s of CPU time saved", i + 1, w->st.cur_cpu_time);
}

/* Stops the task and leaves without finishing: the client restarts us later (quit, lost
 * heartbeat, abort, or a termination signal). The state on disk is the last checkpoint. */
static void __attribute__((noreturn)) leave(struct running *r, const char *why, int code)
{
	kill_task(r);
	ssp_log_info("%s: task stopped; a restart resumes from the last checkpoint", why);
	log_self_usage();
	fflush(stderr);
	_exit(code);
}

static void handle_client(struct wrapper *w, struct running *r)
{
	if (got_term) {
		char why[64];

		snprintf(why, sizeof(why), "signal %d", (int)got_term);
		leave(r, why, 0);
	}
	if (w->standalone)
		return;
	/* The BOINC runtime notices a dead client only every 10 s; a new parent is immediate. */
	if (getppid() != w->client_pid)
		leave(r, "lost contact with the client (it exited)", 0);
	(void)!ssp_appapi_poll(&wapi, now_mono()); /* the flags it sets are read below */
	report_flush();
	if (wapi.abort_request)
		leave(r, "abort requested by the client", 0);
	if (wapi.quit_request)
		leave(r, "quit requested by the client", 0);
	if (wapi.no_heartbeat)
		leave(r, "lost contact with the client (no heartbeat)", 0);
	if (wapi.suspended && !r->suspended) {
		wproc_tree_signal(getpid(), r->pid, w->opts->use_tstp ? SIGTSTP : SIGSTOP);
		r->suspended = 1;
		ssp_log_info("suspended");
	} else if (!wapi.suspended && r->suspended) {
		wproc_tree_signal(getpid(), r->pid, SIGCONT);
		r->suspended = 0;
		ssp_log_info("resumed");
	}
}

/* Reaps what has exited. Returns 1 and fills *status, *ru when the leader has. */
static int reap(struct running *r, int *status, struct rusage *ru)
{
	int found = 0;

	for (;;) {
		struct rusage one;
		int st;
		pid_t p = wait4(-1, &st, WNOHANG, &one);

		if (p < 0 && errno == EINTR)
			continue;
		if (p <= 0)
			break;
		if (p == r->pid) {
			*status = st;
			*ru = one;
			found = 1;
		} else {
			/* A re-parented descendant of the task: its time is the task's. */
			r->reaped_cpu += tv_sec(one.ru_utime) + tv_sec(one.ru_stime);
			if ((uint64_t)one.ru_maxrss > r->reaped_rss_kb)
				r->reaped_rss_kb = (uint64_t)one.ru_maxrss;
		}
	}
	return found;
}

/* The signal's abbreviation, as sigabbrev_np() (glibc only) gives it. */
static const char *signame(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGHUP, "HUP" },   { SIGINT, "INT" },     { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
		{ SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },   { SIGBUS, "BUS" },   { SIGFPE, "FPE" },
		{ SIGKILL, "KILL" }, { SIGUSR1, "USR1" },   { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
		{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" },   { SIGTERM, "TERM" }, { SIGCHLD, "CHLD" },
		{ SIGCONT, "CONT" }, { SIGSTOP, "STOP" },   { SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },
		{ SIGTTOU, "TTOU" }, { SIGURG, "URG" },     { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
		{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" }, { SIGIO, "IO" },
		{ SIGPWR, "PWR" },   { SIGSYS, "SYS" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "?";
}

/* Runs task i to its end and records it in the state. */
void run_task(struct wrapper *w, size_t i)
{
	const ssp_jobxml_task *t = ssp_jobxml_task_at(w->job, i);
	struct prepared p;
	struct running r;
	struct rusage ru;
	ssp_receipt_task *done;
	double last = now_mono(), last_report = 0, last_scan = 0, elapsed = 0;
	int status = 0, poll_ms = w->opts->poll_ms > 0 ? w->opts->poll_ms : 100;

	memset(&r, 0, sizeof(r));
	memset(&ru, 0, sizeof(ru));
	prepare(w, i, &p);
	if (t->fraction_done_filename) {
		resolve(t->fraction_done_filename, r.frac_path, sizeof(r.frac_path));
		unlink(r.frac_path);
	}
	if (t->checkpoint_filename)
		resolve(t->checkpoint_filename, r.ckpt_path, sizeof(r.ckpt_path));
	ckpt_changed(&r); /* the checkpoint file as it is before the task starts */
	r.pid = start_task(w, i, &p);
	running_pgid = r.pid;
	prepared_clear(&p);
	/* Record the task's process group, so that a restart after a crash can clean up. */
	w->st.task_pgid = r.pid;
	state_save(w);
	ssp_log_info("task %zu/%zu started: %s (pid %d)%s", i + 1, ssp_jobxml_ntasks(w->job),
		     t->application, (int)r.pid, w->st.cur_cpu_time > 0 ? ", resuming" : "");

	for (;;) {
		double now;

		if (reap(&r, &status, &ru))
			break;
		handle_client(w, &r);
		now = now_mono();
		if (!r.suspended) {
			r.wall += now - last;
			elapsed = w->st.cur_wall_time + (r.wall - r.wall_base);
		}
		last = now;
		if (t->time_limit > 0 && elapsed > t->time_limit && !r.stopped_for_limit) {
			ssp_log_info("task %zu reached its time limit of %.0f s: stopped and counted as done",
				     i + 1, t->time_limit);
			r.stopped_for_limit = 1;
			wproc_tree_signal(getpid(), r.pid, SIGKILL);
			kill(-r.pid, SIGCONT);
		}
		if (!r.suspended && ckpt_changed(&r))
			task_checkpointed(w, i, &r);
		if (now - last_report >= 1.0) {
			/* The process tree walk costs more than the rest: every 5 s is enough for
			 * the progress estimate; checkpoints and the end read it exactly. */
			if (now - last_scan >= 5.0 || last_scan == 0) {
				wproc_usage u;

				if (wproc_tree_usage(getpid(), 0, &u) == 0 && u.cpu > r.cpu_seen)
					r.cpu_seen = u.cpu;
				last_scan = now;
			}
			progress(w, i, &r);
			last_report = now;
		}
		sleep_ms(poll_ms);
	}
	/* Stragglers that outlived the leader belong to the task too. */
	wproc_tree_signal(getpid(), r.pid, SIGKILL);
	reap(&r, &status, &ru);
	running_pgid = 0;

	if (r.stopped_for_limit) {
		status = 0;
	} else if (WIFSIGNALED(status)) {
		fail(SSP_WRAPPER_EXIT_TASK_SIGNALED, "task %zu (%s) was killed by signal %d (SIG%s)", i + 1,
		     t->application, WTERMSIG(status), signame(WTERMSIG(status)));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		fail(SSP_WRAPPER_EXIT_TASK_FAILED, "task %zu (%s) exited with status %d", i + 1,
		     t->application, WEXITSTATUS(status));
	}
	done = &w->st.done[i];
	memset(done, 0, sizeof(*done));
	snprintf(done->application, sizeof(done->application), "%s", t->application);
	done->exit_status = 0;
	done->cpu_time = w->st.cur_cpu_time +
			 (tv_sec(ru.ru_utime) + tv_sec(ru.ru_stime) + r.reaped_cpu - r.cpu_base);
	if (done->cpu_time < w->st.cur_cpu_time)
		done->cpu_time = w->st.cur_cpu_time;
	done->wall_time = w->st.cur_wall_time + (r.wall - r.wall_base);
	done->peak_rss_kb = w->st.cur_peak_rss_kb;
	if ((uint64_t)ru.ru_maxrss > done->peak_rss_kb)
		done->peak_rss_kb = (uint64_t)ru.ru_maxrss;
	if (r.reaped_rss_kb > done->peak_rss_kb)
		done->peak_rss_kb = r.reaped_rss_kb;
	w->st.tasks_done = i + 1;
	w->st.cur_cpu_time = 0;
	w->st.cur_wall_time = 0;
	w->st.cur_peak_rss_kb = 0;
	w->st.task_pgid = 0;
	w->reported = job_fraction(w, i, 1.0) > w->reported ? job_fraction(w, i, 1.0) : w->reported;
	w->st.fraction_done = w->reported;
	state_save(w);
	report(w, cpu_before(w), w->reported);
	ssp_log_info("task %zu/%zu done: cpu %.3f s, wall %.3f s, peak rss %llu kB", i + 1,
		     ssp_jobxml_ntasks(w->job), done->cpu_time, done->wall_time,
		     (unsigned long long)done->peak_rss_kb);
}

/* The application side of the BOINC client-app protocol, in C, without BOINC's libraries:
 * what an app (here ssp_wrapper, the slot's main program) does to run under the BOINC client.
 *
 * Follows BOINC's api/boinc_api.cpp, lib/app_ipc.* and lib/shmem.cpp (behaviour only):
 *  - the slot lock: an fcntl write lock on "boinc_lockfile" held while the app runs;
 *  - the shared memory: 8 message channels of 1024 bytes, in BOINC's order (process control
 *    request/reply, graphics request/reply, heartbeat, app status, trickle up/down); byte 0 of
 *    a channel is 1 while it holds an unread message, the text follows. With init_data.xml's
 *    <shm_key> -1 (clients for API 6.0 and later) it is the memory-mapped file
 *    "boinc_mmap_file" in the slot; otherwise the System V segment of that key;
 *  - control in: <suspend/>, <resume/>, <quit/>, <abort/>, <reread_app_info/>; heartbeat in:
 *    <heartbeat/> (and <wss>, <max_wss>); status out: <current_cpu_time>,
 *    <checkpoint_cpu_time>, <fraction_done> (printed with %e, as BOINC does);
 *  - the client is gone when its pid (init_data.xml <client_pid>) no longer exists, or, when
 *    the pid is unknown, after 30 s without a heartbeat;
 *  - the finish protocol: "boinc_finish_called" holds the exit status (and a message), the
 *    lock is released, then the process exits with that status;
 *  - soft links: a slot file whose text starts with <soft_link>PATH</soft_link> stands for PATH;
 *  - the API version marker: BOINC's tools/update_versions reads the app version's API
 *    version from the string "API_VERSION_x.y.z" in the main program (ssp_appapi_version). */
#ifndef SSP_APPAPI_H
#define SSP_APPAPI_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <sys/types.h>

/* The BOINC API version this module implements (memory-mapped channels; GPU device number
 * in init_data.xml, so that a client does not append --device for apps of API 7.5 and up). */
#define SSP_APPAPI_VERSION "7.20.0"

#define SSP_APPAPI_CHANNEL_SIZE 1024
#define SSP_APPAPI_NCHANNELS 8
#define SSP_APPAPI_SHM_SIZE (SSP_APPAPI_CHANNEL_SIZE * SSP_APPAPI_NCHANNELS)
#define SSP_APPAPI_MMAP_FILE "boinc_mmap_file"
#define SSP_APPAPI_LOCK_FILE "boinc_lockfile"
#define SSP_APPAPI_FINISH_FILE "boinc_finish_called"
#define SSP_APPAPI_TEMP_EXIT_FILE "boinc_temporary_exit"
#define SSP_APPAPI_HEARTBEAT_GIVEUP 30.0 /* seconds without a heartbeat (no client pid) */

/* Channel numbers, in the order of BOINC's SHARED_MEM. */
enum {
	SSP_APPAPI_CH_PROCESS_CONTROL_REQUEST,
	SSP_APPAPI_CH_PROCESS_CONTROL_REPLY,
	SSP_APPAPI_CH_GRAPHICS_REQUEST,
	SSP_APPAPI_CH_GRAPHICS_REPLY,
	SSP_APPAPI_CH_HEARTBEAT,
	SSP_APPAPI_CH_APP_STATUS,
	SSP_APPAPI_CH_TRICKLE_UP,
	SSP_APPAPI_CH_TRICKLE_DOWN,
};

/* "API_VERSION_" SSP_APPAPI_VERSION, kept in the binary (the wrapper logs it at start). */
extern const char ssp_appapi_version[];

typedef struct ssp_appapi {
	unsigned char *shm;     /* the channels; NULL in standalone mode */
	int shm_sysv;           /* attached with shmat (else mmap) */
	int lock_fd;            /* the slot lock, -1 when not held */
	pid_t client_pid;       /* 0 when unknown */
	double last_heartbeat;  /* caller's clock, seconds */
	/* What the client asked for so far (flags stay set until the caller acts). */
	int suspended;
	int quit_request;
	int abort_request;
	int no_heartbeat;       /* the client is gone */
	int reread_init_data;
	double wss, max_wss;    /* working set sizes the client reported (bytes) */
} ssp_appapi;

/* Sets a to its empty state (standalone, no lock). */
void ssp_appapi_init(ssp_appapi *a);

/* Takes the slot lock: an fcntl write lock on path (SSP_APPAPI_LOCK_FILE in the slot),
 * created 0644 if missing, opened without following a symlink. Returns 0, SSP_ERR_BUSY
 * when another process holds it, or SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_appapi_lock(ssp_appapi *a, const char *path);

/* Attaches the client's shared memory: the memory-mapped file at mmap_path when shm_key is
 * -1, else the System V segment shm_key. client_pid (0 if unknown) is the client to watch;
 * now starts the heartbeat clock. Returns 0, SSP_ERR_NOT_FOUND (no such file or segment),
 * SSP_ERR_PARSE (smaller than BOINC's channels) or SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_appapi_attach(ssp_appapi *a, const char *mmap_path, int shm_key, pid_t client_pid,
		      double now);

/* Reads the heartbeat and process-control channels and updates a's flags; checks whether
 * the client is gone (its pid, else 30 s without a heartbeat since now). Does nothing in
 * standalone mode. Returns 1 when a message was read, else 0. */
SSP_MUST_CHECK int ssp_appapi_poll(ssp_appapi *a, double now);

/* Sends the app's status (CPU seconds so far, CPU seconds at the last checkpoint, fraction
 * done of the whole result in [0, 1]). Returns 0, SSP_ERR_BUSY when the client has not yet
 * read the previous one (as BOINC, the new status is then dropped), SSP_ERR_STATE in
 * standalone mode. */
SSP_MUST_CHECK int ssp_appapi_report(ssp_appapi *a, double cpu, double checkpoint_cpu, double fraction);

/* Puts a message into channel ch if it is free (BOINC's send_msg): 0, or SSP_ERR_BUSY, or
 * SSP_ERR_STATE when standalone, SSP_ERR_TOO_BIG when msg does not fit. */
SSP_MUST_CHECK int ssp_appapi_send(ssp_appapi *a, int ch, const char *msg);

/* Takes the message waiting in channel ch into out (NUL-terminated, cap bytes): 1 when there
 * was one, 0 when not (or standalone). */
SSP_MUST_CHECK int ssp_appapi_receive(ssp_appapi *a, int ch, char *out, size_t cap);

/* Writes the finish file at path (SSP_APPAPI_FINISH_FILE): the status, then msg if not
 * NULL. Returns 0 or SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_appapi_write_finish(const char *path, int status, const char *msg);

/* Writes the temporary-exit file at path (SSP_APPAPI_TEMP_EXIT_FILE): the client restarts
 * the app after delay seconds. Returns 0 or SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_appapi_write_temporary_exit(const char *path, int delay, const char *reason);

/* Detaches the shared memory and releases the slot lock (both optional). */
void ssp_appapi_close(ssp_appapi *a);

/* The physical path of logical file name in the current directory: the target of a BOINC
 * soft link (a file starting with <soft_link>PATH</soft_link>), else the name itself (also
 * for symlinks and missing files). Returns 0, or SSP_ERR_TOO_BIG when the result does not fit
 * in size (out is then the name itself, if that fits, else empty). */
SSP_MUST_CHECK int ssp_appapi_resolve(const char *logical, char *out, size_t size);

#endif

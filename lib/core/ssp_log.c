#include "core/ssp_log.h"

#include <stdarg.h>
#include <sys/time.h>
#include <time.h>

static const char *log_ident = "ssp";
static int log_level = SSP_LOG_NORMAL;
static FILE *log_stream;

void ssp_log_set_ident(const char *ident)
{
	log_ident = ident ? ident : "ssp";
}

void ssp_log_set_level(int level)
{
	if (level < SSP_LOG_CRITICAL)
		level = SSP_LOG_CRITICAL;
	if (level > SSP_LOG_DETAIL)
		level = SSP_LOG_DETAIL;
	log_level = level;
}

int ssp_log_get_level(void)
{
	return log_level;
}

void ssp_log_set_stream(FILE *stream)
{
	log_stream = stream;
}

int ssp_log_enabled(int level)
{
	return level <= log_level;
}

static const char *level_name(int level)
{
	switch (level) {
	case SSP_LOG_CRITICAL: return "CRITICAL";
	case SSP_LOG_NORMAL: return "";
	case SSP_LOG_DEBUG: return "DEBUG";
	default: return "DETAIL";
	}
}

void ssp_log(int level, const char *fmt, ...)
{
	FILE *out = log_stream ? log_stream : stderr;
	struct timeval tv;
	struct tm tm;
	char stamp[32];
	const char *name;
	va_list ap;

	if (!ssp_log_enabled(level))
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	name = level_name(level);
	flockfile(out);
	fprintf(out, "%s.%03ld [%s] %s%s", stamp, (long)(tv.tv_usec / 1000), log_ident,
		name, *name ? " " : "");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
	funlockfile(out);
}

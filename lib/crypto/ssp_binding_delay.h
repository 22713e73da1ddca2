/* The replacement delay of a payout binding (docs/web.md): a binding that replaces another
 * valid binding to a different address takes effect only binding_delay seconds after it
 * was stored; meanwhile the user's credit keeps waiting. The first binding, and a binding
 * to the same address again, take effect at once.
 *
 * The project's web hook (web/ssp_prefs.inc) records a replacement in the same
 * <project_specific> as the binding it stores:
 *   <ssp_bound_at>UNIX SECONDS</ssp_bound_at>       when the current binding was stored
 *   <ssp_prev_address>0x…</ssp_prev_address>        the binding it replaced, while the
 *   <ssp_prev_binding>0x…</ssp_prev_binding>        delay runs (dropped once it is over)
 * A project_prefs document without ssp_prev_address has no pending replacement. */
#ifndef SSP_BINDING_DELAY_H
#define SSP_BINDING_DELAY_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>


/* Decides whether the valid binding of user_id to addr (already verified by the caller
 * against master_url) in the project_prefs document prefs[0..len) may be used now.
 * *wait = 0: use it. *wait = 1: it replaces a valid binding of user_id to another address
 * (ssp_prev_address/ssp_prev_binding verify for master_url and user_id) and its delay
 * has not run out; *until = ssp_bound_at + delay (INT64_MAX when ssp_bound_at is missing,
 * i.e. until the volunteer saves the binding again on the web site).
 * A previous binding that does not verify, or one to addr itself, is no replacement.
 * Returns 0; SSP_ERR_PARSE (em names it) for a malformed replacement record (an address,
 * a signature or a time that does not parse, an element twice, one of the pair without the
 * other): the caller keeps the credit waiting; SSP_ERR_TOO_BIG, SSP_ERR_NOMEM, SSP_ERR_INVAL. */
SSP_MUST_CHECK int ssp_binding_delay_check(const char *prefs, size_t len, const char *master_url, uint64_t user_id,
			    const uint8_t addr[20], int64_t now, uint64_t delay, int *wait,
			    int64_t *until, ssp_errmsg *em);

#endif

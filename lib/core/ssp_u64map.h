/* A hash map from uint64 keys to fixed-size values (open addressing, linear probing, grown at
 * half load). Used where ids (BOINC user, result, work unit ids) index per-id records.
 * Values are zero-filled when inserted; a pointer to a value stays valid until the next
 * insertion of a new key. Not thread-safe. */
#ifndef SSP_U64MAP_H
#define SSP_U64MAP_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ssp_u64map ssp_u64map;

/* A new, empty map whose values are value_size bytes (0 makes it a set): *out, free with
 * ssp_u64map_free. Returns 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_u64map_new(size_t value_size, ssp_u64map **out);

/* Frees m; NULL is allowed. */
void ssp_u64map_free(ssp_u64map *m);

/* The value of key, inserting a zero-filled one when key is absent; *created (optional) is 1
 * when it was inserted, 0 when it was there. NULL when out of memory (m unchanged). For a set
 * (value_size 0) the pointer is only a non-NULL token. */
void *ssp_u64map_upsert(ssp_u64map *m, uint64_t key, int *created);

/* The value of key, or NULL when absent. */
void *ssp_u64map_get(const ssp_u64map *m, uint64_t key);

/* Number of keys in m. */
size_t ssp_u64map_count(const ssp_u64map *m);

/* Iterates in no particular order: start with *pos = 0; each call sets *key and *value
 * (either optional) of the next entry and returns 1, or returns 0 after the last. */
SSP_MUST_CHECK int ssp_u64map_next(const ssp_u64map *m, size_t *pos, uint64_t *key, void **value);

#endif

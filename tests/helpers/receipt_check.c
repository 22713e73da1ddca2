/* ssp_receipt_check RECEIPT [DIR]: parses a share receipt strictly (lib/ssp_receipt) and, with
 * DIR, checks every output's size and SHA-256 against DIR/<name>. Prints the receipt's figures,
 * one "key value" per line, for the integration tests. Exit 0 when valid, 1 otherwise. */
#include "core/ssp_err.h"
#include "boinc/ssp_receipt.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	ssp_receipt *r = NULL;
	ssp_errmsg em = { { 0 } };
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: ssp_receipt_check RECEIPT [DIR]\n");
		return 2;
	}
	rc = ssp_receipt_read(argv[1], &r, &em);
	if (rc != 0) {
		printf("invalid %s\n", em.msg);
		return 1;
	}
	printf("result_name %s\nwu_name %s\nuserid %llu\nhostid %llu\ncpu_time %.6f\nwall_time %.6f\n",
	       ssp_receipt_result_name(r), ssp_receipt_wu_name(r),
	       (unsigned long long)ssp_receipt_userid(r), (unsigned long long)ssp_receipt_hostid(r),
	       ssp_receipt_cpu_time(r), ssp_receipt_wall_time(r));
	printf("ntasks %zu\nnoutputs %zu\n", ssp_receipt_ntasks(r), ssp_receipt_noutputs(r));
	for (size_t i = 0; i < ssp_receipt_ntasks(r); i++) {
		const ssp_receipt_task *t = ssp_receipt_task_at(r, i);

		printf("task%zu %s %d %.6f %.6f %llu\n", i, t->application, t->exit_status, t->cpu_time,
		       t->wall_time, (unsigned long long)t->peak_rss_kb);
	}
	for (size_t i = 0; i < ssp_receipt_noutputs(r); i++)
		printf("output%zu %s %llu\n", i, ssp_receipt_output_at(r, i)->name,
		       (unsigned long long)ssp_receipt_output_at(r, i)->bytes);
	if (argc == 3) {
		rc = ssp_receipt_check_dir(r, argv[2], &em);
		printf("digests %s\n", rc == 0 ? "ok" : em.msg);
	}
	ssp_receipt_free(r);
	return rc == 0 ? 0 : 1;
}

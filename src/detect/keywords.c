/*
 * keywords.c — the one keyword table.
 *
 * Every keyword family (kw-*.c) exports an array of struct kw_def; this
 * file lists the families, and nothing else.  Adding a keyword means adding
 * it to its family's array (or adding a family here), never touching the
 * parser or the engine.  Lookups go through a sorted index built once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

static const struct kw_family *const families[] = {
    &kw_family_meta,	  &kw_family_content,	 &kw_family_pcre,      &kw_family_byte,
    &kw_family_entropy,	  &kw_family_transforms, &kw_family_flow,      &kw_family_flowbits,
    &kw_family_flowint,	  &kw_family_xbits,	 &kw_family_threshold, &kw_family_ipheader,
    &kw_family_tcpheader, &kw_family_icmp,	 &kw_family_udp,       &kw_family_vlan,
    &kw_family_events,	  &kw_family_flowstats,	 &kw_family_buffers,   &kw_family_tag,
    &kw_family_checksum,  &kw_family_base64,	 &kw_family_modifiers,
    &kw_family_dns,	  &kw_family_tls,	 &kw_family_applayer, &kw_family_file,
    &kw_family_http,	  &kw_family_frame,
    &kw_family_ssh,
    &kw_family_enip,
    &kw_family_krb5,
    &kw_family_dcerpc,
    &kw_family_dnp3,
    &kw_family_modbus,
    &kw_family_smb,
    &kw_family_dicom,
    &kw_family_bacnet,
    &kw_family_iec104,
    &kw_family_s7comm,
    &kw_family_mms,
    &kw_family_goose,
    &kw_family_mqtt,
    &kw_family_ftp,
    &kw_family_dataset,
    &kw_family_iprep,
    &kw_family_intel,
    &kw_family_lua,
};

/* Each protocol's rule buffers (kw-<proto>.c); every one gets a sticky
 * keyword of its name. */
const struct app_buffer_family *const app_buffer_families[] = {
    &app_buffers_http,
    &app_buffers_dns,
    &app_buffers_tls,
    &app_buffers_file,
    &app_buffers_ssh,
    &app_buffers_enip,
    &app_buffers_krb5,
    &app_buffers_dcerpc,
    &app_buffers_dnp3,
    &app_buffers_smb,
    &app_buffers_hl7,
    &app_buffers_dicom,
    &app_buffers_stratum,
    &app_buffers_mms,
    &app_buffers_ftp,
    &app_buffers_smtp,
    &app_buffers_pgsql,
    &app_buffers_sip,
    &app_buffers_mqtt,
};
const size_t app_buffer_families_n = sizeof(app_buffer_families) / sizeof(app_buffer_families[0]);

struct kw_index {
	const char *name;
	const struct kw_def *def;
};

static struct kw_index *kw_index;
static size_t kw_index_n;
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static int index_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kw_index *)a)->name, ((const struct kw_index *)b)->name);
}

static void build_index(void)
{
	size_t n = 0, nsticky = 0;
	const struct kw_def *sticky = app_buffer_keywords(&nsticky);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		n += families[i]->n * 2;
	kw_index = calloc(n + nsticky * 2, sizeof(*kw_index));
	if (kw_index == NULL)
		return;
	for (size_t j = 0; j < nsticky; j++) {
		kw_index[kw_index_n++] = (struct kw_index){sticky[j].name, &sticky[j]};
		if (sticky[j].alias != NULL)
			kw_index[kw_index_n++] = (struct kw_index){sticky[j].alias, &sticky[j]};
	}
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		for (size_t j = 0; j < families[i]->n; j++) {
			const struct kw_def *d = &families[i]->defs[j];
			kw_index[kw_index_n++] = (struct kw_index){d->name, d};
			if (d->alias != NULL)
				kw_index[kw_index_n++] = (struct kw_index){d->alias, d};
		}
	qsort(kw_index, kw_index_n, sizeof(*kw_index), index_cmp);
}

const struct kw_def *kw_lookup(const char *name)
{
	pthread_once(&kw_once, build_index);
	struct kw_index key = {name, NULL};
	struct kw_index *f = bsearch(&key, kw_index, kw_index_n, sizeof(*kw_index), index_cmp);
	return f ? f->def : NULL;
}

bool detect_keyword_supported(const char *name)
{
	const struct kw_def *d = kw_lookup(name);
	return d != NULL && d->setup != NULL;
}

void detect_list_keywords(FILE *out)
{
	pthread_once(&kw_once, build_index);
	for (size_t i = 0; i < kw_index_n; i++) {
		const struct kw_def *d = kw_index[i].def;
		if (d->setup == NULL || strcmp(kw_index[i].name, d->name) != 0)
			continue;
		fprintf(out, "%s%s%s: %s\n", d->name, d->alias ? ", alias " : "",
			d->alias ? d->alias : "", d->desc ? d->desc : "");
	}
}

/*
 * filestore.c — the file-store output, version 2 layout (see filestore.h).
 *
 * The workers share the directory and the counters (atomics); the
 * settings are read-only once the run starts.  A file's place is decided
 * by its content alone, so two workers storing the same content race
 * only to a rename of identical bytes: link(2) refuses to replace an
 * existing name, and the loser counts a duplicate and lets the tracker
 * remove its spool.
 */
#include "output/filestore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/file.h"
#include "util/config.h"

static char store_dir[1024];
static atomic_uint_fast64_t next_id = 1;
static atomic_uint_fast64_t n_stored, n_dup, n_failed;

void filestore_config_defaults(struct filestore_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "filestore");
}

static void load_force_hash(struct filestore_config *c, const struct config_node *n)
{
	static const char *const names[] = {"md5", "sha1", "sha256"};
	const struct config_node *fh = config_child(n, "force-hash");
	if (fh == NULL)
		return;
	size_t count = fh->kind == CONFIG_SEQ ? fh->nchild : 1;
	for (size_t i = 0; i < count; i++) {
		const struct config_node *it = fh->kind == CONFIG_SEQ ? fh->child[i] : fh;
		for (int k = 0; k < 3; k++)
			if (it->kind == CONFIG_SCALAR && it->value &&
			    strcasecmp(it->value, names[k]) == 0)
				c->force_hash |= (uint8_t)(1u << k);
	}
}

void filestore_config_load(struct filestore_config *c, const struct config_node *root)
{
	const struct config_node *outputs = config_get(root, "outputs");
	for (size_t i = 0; outputs && outputs->kind == CONFIG_SEQ && i < outputs->nchild; i++) {
		const struct config_node *n = config_child(outputs->child[i], "file-store");
		if (n == NULL || n->kind != CONFIG_MAP)
			continue;
		if (!config_get_bool(n, "enabled", false))
			return;
		int64_t version = config_get_int(n, "version", 1);
		if (version != 2) {
			fprintf(stderr,
				"vigil: config: outputs.%zu.file-store: version %lld is not supported "
				"(only version 2); no files are stored\n",
				i, (long long)version);
			return;
		}
		c->enabled = true;
		snprintf(c->dir, sizeof(c->dir), "%s", config_get_str(n, "dir", "filestore"));
		c->write_fileinfo = config_get_bool(n, "write-fileinfo", false);
		c->force_filestore = config_get_bool(n, "force-filestore", false);
		load_force_hash(c, n);
		if (config_get(n, "stream-depth") != NULL) {
			c->stream_depth_set = true;
			c->stream_depth = config_get_size(n, "stream-depth", 0);
		}
		int64_t mo = config_get_int(n, "max-open-files", 0);
		c->max_open_files = mo > 0 && mo <= UINT32_MAX ? (uint32_t)mo : 0;
		return;
	}
}

static bool make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return true;
	snprintf(err, errlen, "file-store: cannot make %s: %s", path, strerror(errno));
	return false;
}

bool filestore_open(const struct filestore_config *c, const char *log_dir, char *err,
		    size_t errlen)
{
	store_dir[0] = '\0';
	if (!c->enabled)
		return app_file_spool_setup(NULL, 0);
	if (c->dir[0] == '/' || log_dir == NULL)
		snprintf(store_dir, sizeof(store_dir), "%s", c->dir);
	else
		snprintf(store_dir, sizeof(store_dir), "%s/%s", log_dir, c->dir);
	char path[1100];
	if (!make_dir(store_dir, err, errlen))
		return false;
	for (int i = 0; i < 256; i++) {
		snprintf(path, sizeof(path), "%s/%02x", store_dir, i);
		if (!make_dir(path, err, errlen))
			return false;
	}
	snprintf(path, sizeof(path), "%s/tmp", store_dir);
	if (!make_dir(path, err, errlen))
		return false;
	if (!app_file_spool_setup(path, c->max_open_files)) {
		snprintf(err, errlen, "file-store: out of memory");
		return false;
	}
	return true;
}

const char *filestore_dir(void)
{
	return store_dir;
}

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* meta beside the stored file, written under a temporary name first. */
static bool write_meta(const char *final, int64_t ts_sec, uint64_t id, const char *meta, size_t n)
{
	char path[1200], tmp[1220];
	snprintf(path, sizeof(path), "%s.%lld.%llu.json", final, (long long)ts_sec,
		 (unsigned long long)id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	bool ok = write(fd, meta, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
	ok = close(fd) == 0 && ok;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok)
		unlink(tmp);
	return ok;
}

bool filestore_take(const struct filestore_config *c, const struct app_file_info *fi,
		    uint64_t *file_id, char *final, size_t final_len)
{
	if (!c->enabled || store_dir[0] == '\0' || fi->spool_path == NULL) {
		atomic_fetch_add(&n_failed, 1);
		return false;
	}
	char h[65];
	hex(fi->spool_sha256, sizeof(fi->spool_sha256), h);
	snprintf(final, final_len, "%s/%.2s/%s", store_dir, h, h);
	/* link refuses an existing name: identical content is kept once */
	if (link(fi->spool_path, final) != 0) {
		if (errno != EEXIST) {
			if (atomic_fetch_add(&n_failed, 1) == 0)
				fprintf(stderr, "vigil: file-store: cannot store %s: %s\n", final,
					strerror(errno));
			return false;
		}
		atomic_fetch_add(&n_dup, 1);
	} else {
		atomic_fetch_add(&n_stored, 1);
	}
	unlink(fi->spool_path);
	*file_id = atomic_fetch_add(&next_id, 1);
	return true;
}

void filestore_meta(const struct filestore_config *c, const char *final, int64_t ts_sec,
		    uint64_t file_id, const char *meta, size_t n)
{
	if (!c->write_fileinfo || meta == NULL)
		return;
	if (!write_meta(final, ts_sec, file_id, meta, n) && atomic_fetch_add(&n_failed, 1) == 0)
		fprintf(stderr, "vigil: file-store: cannot write the fileinfo of %s\n", final);
}

void filestore_stats(struct filestore_stats *out)
{
	out->stored = atomic_load(&n_stored);
	out->duplicate = atomic_load(&n_dup);
	out->failed = atomic_load(&n_failed) + app_file_spool_failures();
}

void filestore_report(const struct filestore_config *c, FILE *f)
{
	if (!c->enabled)
		return;
	struct filestore_stats st;
	filestore_stats(&st);
	fprintf(f,
		"vigil: file-store: %llu files stored in %s, %llu already there (same content), "
		"%llu could not be stored\n",
		(unsigned long long)st.stored, store_dir, (unsigned long long)st.duplicate,
		(unsigned long long)st.failed);
}

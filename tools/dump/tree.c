/*
 * tree.c - dump -t (the file tree, like tree(1)) and dump -m (the root
 * tuple as a manifest, files without their extents/filelength so that it
 * reads like the manifest that made the image). Host tool (tools/dump).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/manifest.h"
#include "tools/dump/dump.h"

#define TREE_PREFIX_MAX 16384

struct tree_ctx {
	struct tfs *fs;
	bool colour;
	char prefix[TREE_PREFIX_MAX];
	size_t plen;
	u64 dirs, files, links;
};

static void tree_walk(struct tree_ctx *t, const struct value *dir)
{
	const struct tuple_entry **ents;
	struct value *target;
	u32 n, i;

	ents = dump_sorted_children(dir, &n);
	if (!ents) {
		printf("%s(out of memory)\n", t->prefix);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct value *node = ents[i]->val;
		bool last = i + 1 == n;
		size_t saved = t->plen;

		printf("%s%s", t->prefix, last ? "`-- " : "|-- ");
		if (!node || node->type != VALUE_TUPLE) {
			dump_put_name(stdout, ents[i]->key->name, ents[i]->key->len);
			printf(" (not a tuple)\n");
			continue;
		}
		if (tfs_is_symlink(node)) {
			t->links++;
			if (t->colour)
				printf("\033[1;36m");
			dump_put_name(stdout, ents[i]->key->name, ents[i]->key->len);
			if (t->colour)
				printf("\033[0m");
			target = tuple_get(node, sym("linktarget"));
			printf(" -> ");
			if (target && target->type == VALUE_STRING)
				dump_put_name(stdout, (const char *)target->str.bytes,
					      target->str.len);
			else
				printf("(bad target)");
			putchar('\n');
		} else if (tfs_is_dir(node)) {
			t->dirs++;
			if (t->colour)
				printf("\033[1;34m");
			dump_put_name(stdout, ents[i]->key->name, ents[i]->key->len);
			if (t->colour)
				printf("\033[0m");
			printf("/\n");
			if (t->plen + 8 < sizeof(t->prefix)) {
				strcpy(t->prefix + t->plen, last ? "    " : "|   ");
				t->plen += 4;
				tree_walk(t, node);
				t->plen = saved;
				t->prefix[saved] = '\0';
			}
		} else {
			t->files++;
			dump_put_name(stdout, ents[i]->key->name, ents[i]->key->len);
			printf(" (%llu bytes)\n", (unsigned long long)tfs_file_length(node));
		}
	}
	free(ents);
}

int dump_tree(struct tfs *fs, bool colour)
{
	static struct tree_ctx t;

	memset(&t, 0, sizeof(t));
	t.fs = fs;
	t.colour = colour;
	printf("/\n");
	tree_walk(&t, tfs_root(fs));
	printf("\n%llu directories, %llu files, %llu symlinks\n", (unsigned long long)t.dirs,
	       (unsigned long long)t.files, (unsigned long long)t.links);
	return 0;
}

/* drop file data attributes below children: (the tree stays readable) */
static void manifest_strip(struct value *node)
{
	struct value *children = tuple_get(node, sym("children"));
	u32 i;

	for (i = 0; i < tuple_count(children); i++) {
		struct value *c = tuple_at(children, i)->val;

		if (!c || c->type != VALUE_TUPLE)
			continue;
		tuple_remove(c, sym("extents"));
		tuple_remove(c, sym("filelength"));
		manifest_strip(c);
	}
}

static void manifest_write(void *ctx, const char *s, size_t len)
{
	fwrite(s, 1, len, ctx);
}

int dump_manifest(struct tfs *fs)
{
	struct manifest_out out = {.write = manifest_write, .ctx = stdout};
	struct value *copy = value_copy(tfs_root(fs));

	if (!copy) {
		fprintf(stderr, "%s: out of memory\n", dump_prog);
		return 1;
	}
	manifest_strip(copy);
	manifest_print(copy, true, &out);
	putchar('\n');
	value_free(copy);
	return 0;
}

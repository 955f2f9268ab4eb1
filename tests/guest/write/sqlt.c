/*
 * sqlt.c - sqlite3 on the monos rootfs (tests/suites/57-tfs-write): a
 * static program linked against Debian's libsqlite3.a.
 *   sqlt create DB N   a table of N rows inserted in transactions of 1000
 *                      (rollback journal: journal files created, synced,
 *                      deleted), then "rows N"
 *   sqlt check DB N    PRAGMA integrity_check is ok and count(*) is N
 *   sqlt auto DB N     create if DB is missing, else check
 * Prints ok/FAIL lines (gtest.h). Run natively on Linux first.
 * Layer: guest test program (static Linux ELF, gcc -static only).
 */
#include "../gtest.h"

#include <sqlite3.h>

static sqlite3 *db;

static int exec(const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK) {
		printf("FAIL sql: %s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
	}
	return rc;
}

static void create(const char *path, int n)
{
	sqlite3_stmt *st;
	int rc = SQLITE_OK;

	CHECK("sqlite-open", sqlite3_open(path, &db) == SQLITE_OK, "%s", sqlite3_errmsg(db));
	if (exec("PRAGMA synchronous=FULL") ||
	    exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n INTEGER)"))
		return;
	if (sqlite3_prepare_v2(db, "INSERT INTO t(v, n) VALUES(?, ?)", -1, &st, NULL)) {
		printf("FAIL sqlite-prepare: %s\n", sqlite3_errmsg(db));
		return;
	}
	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		char v[64];

		if (i % 1000 == 0 && exec("BEGIN"))
			return;
		snprintf(v, sizeof(v), "row %d of the monos sqlite test", i);
		sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, i * 7);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_reset(st);
		if (i % 1000 == 999 || i == n - 1)
			if (exec("COMMIT"))
				return;
	}
	sqlite3_finalize(st);
	CHECK("sqlite-insert", rc == SQLITE_OK, "%s", sqlite3_errmsg(db));
	CHECK("sqlite-close", sqlite3_close(db) == SQLITE_OK, "busy");
	printf("rows %d\n", n);
}

static void check(const char *path, int n)
{
	sqlite3_stmt *st;
	const unsigned char *res = NULL;
	long long count = -1, sum = -1;

	CHECK("sqlite-reopen", sqlite3_open(path, &db) == SQLITE_OK, "%s", sqlite3_errmsg(db));
	if (!sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) &&
	    sqlite3_step(st) == SQLITE_ROW)
		res = sqlite3_column_text(st, 0);
	CHECK("sqlite-integrity", res && !strcmp((const char *)res, "ok"), "%s",
	      res ? (const char *)res : sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (!sqlite3_prepare_v2(db, "SELECT count(*), sum(n) FROM t", -1, &st, NULL) &&
	    sqlite3_step(st) == SQLITE_ROW) {
		count = sqlite3_column_int64(st, 0);
		sum = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	CHECK("sqlite-count", count == n && sum == 7ll * n * (n - 1) / 2, "count %lld sum %lld",
	      count, sum);
	sqlite3_close(db);
}

int main(int argc, char **argv)
{
	gt_init();
	if (argc < 4) {
		printf("FAIL usage: sqlt create|check DB N\n");
		return 2;
	}
	if (!strcmp(argv[1], "auto")) /* create on the first boot, check later */
		argv[1] = access(argv[2], F_OK) ? "create" : "check";
	printf("sqlt %s\n", argv[1]);
	if (!strcmp(argv[1], "create"))
		create(argv[2], atoi(argv[3]));
	else
		check(argv[2], atoi(argv[3]));
	return gt_done();
}

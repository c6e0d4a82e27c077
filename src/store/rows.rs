//! What the store builds without sqlx's procedural macros: the migrations,
//! embedded in the binary, and reading a row into a struct on both backends.
//!
//! `sqlx::migrate!` and `#[derive(sqlx::FromRow)]` pull in sqlx's macro
//! crates, which compile a second copy of sqlx, both database drivers and
//! the bundled SQLite for the build host (with the C libraries at -O2: 135
//! fewer units and 9% less compile time in a cold release build). The same
//! two things are a few lines here.

use std::borrow::Cow;
use std::sync::LazyLock;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// `SQLITE_FILES` and `POSTGRES_FILES`: `(file name, SQL)` of each
/// migration, in order, from `migrations/sqlite` and `migrations/postgres`
/// (the two folders number their files alike; a test checks the list
/// against both).
macro_rules! embed {
    ($($file:literal),+ $(,)?) => {
        pub(super) const SQLITE_FILES: &[(&str, &str)] = &[$((
            $file,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite/", $file)),
        )),+];
        pub(super) const POSTGRES_FILES: &[(&str, &str)] = &[$((
            $file,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres/", $file)),
        )),+];
    };
}

embed!(
    "0001_init.sql",
    "0002_probe_locks.sql",
    "0003_worktree_owner.sql",
    "0005_turn_history.sql",
    "0006_stop_reason.sql",
    "0007_permissions.sql",
    "0008_lease_owner_start.sql",
    "0009_next_base.sql",
);

pub(super) static SQLITE_MIGRATIONS: LazyLock<Migrator> = LazyLock::new(|| migrator(SQLITE_FILES));
pub(super) static POSTGRES_MIGRATIONS: LazyLock<Migrator> =
    LazyLock::new(|| migrator(POSTGRES_FILES));

/// Embedded migration files, read as sqlx reads a migrations folder:
/// `<version>_<description>.sql`, the description's `_` as spaces, the
/// checksum over the file's text (so databases migrated by earlier builds
/// match), `-- no-transaction` at the top opting out of the transaction.
#[derive(Debug)]
struct Embedded(&'static [(&'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        let migrations = self.0.iter().map(|(file, sql)| {
            let (version, rest) = file
                .split_once('_')
                .ok_or_else(|| format!("migration {file}: expected <version>_<name>.sql"))?;
            let version: i64 = version
                .parse()
                .map_err(|_| format!("migration {file}: the version is not a number"))?;
            let description = rest.trim_end_matches(".sql").replace('_', " ");
            Ok(Migration::new(
                version,
                Cow::Owned(description),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                sql.starts_with("-- no-transaction"),
            ))
        });
        let mut all = migrations.collect::<Result<Vec<_>, BoxDynError>>();
        if let Ok(all) = &mut all {
            all.sort_by_key(|m| m.version);
        }
        async move { all }.boxed()
    }
}

fn migrator(files: &'static [(&'static str, &'static str)]) -> Migrator {
    Migrator::new(Embedded(files))
        .now_or_never()
        .expect("embedded migrations resolve at once")
        .expect("embedded migration file names are <version>_<name>.sql")
}

/// `sqlx::FromRow` for SQLite's and PostgreSQL's rows, field by field:
/// `from_row!(Type { a, b = "column", status: parsed, inner: nested })`
/// reads `a` from the column of its name, `b` from `column`, `status` with
/// [`parsed`] (a stored status) and `inner` as a `FromRow` of the same row.
macro_rules! from_row {
    ($ty:ident { $($field:ident $(: $how:ident)? $(= $column:literal)?),+ $(,)? }) => {
        $crate::store::rows::from_row!(@impl sqlx::sqlite::SqliteRow,
            $ty { $($field $(: $how)? $(= $column)?),+ });
        $crate::store::rows::from_row!(@impl sqlx::postgres::PgRow,
            $ty { $($field $(: $how)? $(= $column)?),+ });
    };
    (@impl $row_ty:ty, $ty:ident { $($field:ident $(: $how:ident)? $(= $column:literal)?),+ }) => {
        impl sqlx::FromRow<'_, $row_ty> for $ty {
            fn from_row(row: &$row_ty) -> sqlx::Result<Self> {
                Ok($ty { $($field: $crate::store::rows::from_row!(
                    @get row, $field $(: $how)? $(= $column)?
                )),+ })
            }
        }
    };
    (@get $row:ident, $field:ident) => {
        sqlx::Row::try_get($row, stringify!($field))?
    };
    (@get $row:ident, $field:ident = $column:literal) => {
        sqlx::Row::try_get($row, $column)?
    };
    (@get $row:ident, $field:ident: parsed) => {
        $crate::store::rows::parsed($row, stringify!($field))?
    };
    (@get $row:ident, $field:ident: nested) => {
        sqlx::FromRow::from_row($row)?
    };
}
pub(super) use from_row;

/// A text column read into a type that parses it (a stored status), its
/// parse error reported as the column's decode error.
pub(super) fn parsed<'r, R, T>(row: &'r R, column: &'static str) -> sqlx::Result<T>
where
    R: sqlx::Row,
    &'static str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    T: TryFrom<String>,
    T::Error: Into<BoxDynError>,
{
    let text: String = row.try_get(column)?;
    T::try_from(text).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: e.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_disk(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_migration_file_is_embedded() {
        for (dir, files) in [("sqlite", SQLITE_FILES), ("postgres", POSTGRES_FILES)] {
            let embedded: Vec<String> = files.iter().map(|(f, _)| f.to_string()).collect();
            assert_eq!(embedded, on_disk(dir), "migrations/{dir}");
        }
    }

    #[test]
    fn migrations_read_as_sqlx_reads_a_folder() {
        let m: Vec<&Migration> = SQLITE_MIGRATIONS.iter().collect();
        assert_eq!(m.len(), SQLITE_FILES.len());
        assert_eq!((m[0].version, m[0].description.as_ref()), (1, "init"));
        let owner = m.iter().find(|m| m.version == 8).unwrap();
        assert_eq!(owner.description, "lease owner start");
        assert!(m.windows(2).all(|w| w[0].version < w[1].version));
        assert!(m.iter().all(|m| !m.no_tx && m.checksum.len() == 48));
        assert_eq!(POSTGRES_MIGRATIONS.iter().count(), POSTGRES_FILES.len());
    }
}

// The PostgreSQL backend of the study store (libpq): a study is a row of `symnas_studies` in a
// database any number of machines reach; its trials, edits, snapshots and tuner tables carry its
// id. The study lock of Exclusive() is `SELECT ... FOR UPDATE` on that row.
#pragma once

#include <memory>
#include <string>

#include "symnas/store/study_store.hpp"

namespace symnas::store {

/// A study URL taken apart.
struct PgStudyUrl {
  std::string conninfo;  ///< the URL without study=, for PQconnectdb (connect_timeout added)
  std::string study;     ///< the study name (percent-decoded)
  std::string display;   ///< the URL with any password replaced by ***
};

/// Parses postgresql://user[:password]@host[:port]/db?study=name (or postgres://; host=/dir
/// as a query parameter for a unix socket); StoreError when study= is missing or empty.
PgStudyUrl ParsePgStudyUrl(const std::string& url);

/// Opens the study named by `url` (postgresql://user[:password]@host[:port]/db?study=name, or
/// host=/socket/dir as a query parameter for a unix socket); kReadWrite creates the tables and
/// the study row if needed. StoreError naming the URL (password hidden) and what to fix.
std::unique_ptr<StudyStore> OpenPostgresStudy(const std::string& url, OpenMode mode);

}  // namespace symnas::store

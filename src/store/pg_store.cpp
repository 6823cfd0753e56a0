// TEMPORARY: replaced by the libpq backend (in progress on branch pg).
#include "pg_store.hpp"

#include "symnas/common/error.hpp"

namespace symnas::store {

std::unique_ptr<StudyStore> OpenPostgresStudy(const std::string& url, OpenMode) {
  throw StoreError("PostgreSQL studies are not built yet: " + url);
}

}  // namespace symnas::store

// StudyStore::Open: the backend from the location (a PostgreSQL URL or a SQLite file path);
// the snapshot reading both backends share.
#include "pg_store.hpp"
#include "sqlite_store.hpp"
#include "symnas/store/study_store.hpp"

namespace symnas::store {

bool IsDatabaseUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

StudySnapshot StudyStore::ReadSnapshotParts() {
  StudySnapshot snapshot;
  snapshot.config = LoadConfig();
  snapshot.trials = LoadTrials();
  snapshot.edits = LoadSpaceEdits();
  snapshot.diagnoses = LoadDiagnoses();
  snapshot.actions = LoadActions();
  snapshot.rule_weights = LoadRuleWeights();
  return snapshot;
}

std::unique_ptr<StudyStore> StudyStore::Open(const std::string& location, OpenMode mode) {
  if (IsDatabaseUrl(location)) return OpenPostgresStudy(location, mode);
  return std::make_unique<SqliteStudyStore>(location, mode);
}

}  // namespace symnas::store

// Tests of the dataset readers (IDX raw/gz, CIFAR-10 binary), their error messages, and the
// seeded validation split.
#include "symnas/nn/dataset.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "symnas/common/error.hpp"
#include "test_data.hpp"

namespace symnas::nn {
namespace {

using testing::DatasetErrorOf;
using ::testing::HasSubstr;
using testing::TempDir;

TEST(Idx, RawAndGzippedReadTheSameValues) {
  TempDir raw("idx_raw"), gz("idx_gz");
  testing::WriteIdxDataset(raw, "train", 5, 4, 3, false);
  testing::WriteIdxDataset(gz, "train", 5, 4, 3, true);
  const Dataset a =
      ReadIdxPair(raw.File("train-images-idx3-ubyte"), raw.File("train-labels-idx1-ubyte"));
  const Dataset b =
      ReadIdxPair(gz.File("train-images-idx3-ubyte.gz"), gz.File("train-labels-idx1-ubyte.gz"));
  EXPECT_EQ(a.images.sizes(), (std::vector<std::int64_t>{5, 1, 4, 3}));
  EXPECT_TRUE(torch::equal(a.images, b.images));
  EXPECT_TRUE(torch::equal(a.labels, b.labels));
  EXPECT_EQ(a.images[1][0][0][0].item<int>(), 12);  // pixel index 12 -> 12 % 251
  EXPECT_EQ(a.labels[3].item<std::int64_t>(), 3);
}

TEST(Idx, BadFilesNameTheFileAndTheProblem) {
  TempDir dir("idx_bad");
  const std::string magic = dir.File("magic");
  testing::WriteBytes(magic, {0x12, 0x34, 8, 1, 0, 0, 0, 1, 7}, false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadIdxFile(magic); }),
              HasSubstr("'" + magic + "' has a wrong magic number 0x12340801"));
  const std::string truncated = dir.File("truncated.gz");
  testing::WriteBytes(truncated, testing::IdxBytes({4, 2, 2}, std::vector<std::uint8_t>(10)), true);
  EXPECT_THAT(
      DatasetErrorOf([&] { ReadIdxFile(truncated); }),
      HasSubstr("'" + truncated + "' is truncated: header promises 16 data bytes, file has 10"));
  const std::string longer = dir.File("longer");
  testing::WriteBytes(longer, testing::IdxBytes({2}, {1, 2, 3}), false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadIdxFile(longer); }), HasSubstr("longer than its header"));
  EXPECT_THAT(DatasetErrorOf([&] { ReadIdxFile(dir.File("absent")); }),
              HasSubstr("does not exist"));
  // Label count != image count.
  testing::WriteBytes(dir.File("img"), testing::IdxBytes({3, 2, 2}, std::vector<std::uint8_t>(12)),
                      false);
  testing::WriteBytes(dir.File("lab"), testing::IdxBytes({2}, {0, 1}), false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadIdxPair(dir.File("img"), dir.File("lab")); }),
              HasSubstr("label count 2 in '" + dir.File("lab") + "' != image count 3"));
}

TEST(Cifar, ReadsRecordsAndRejectsTruncatedFiles) {
  TempDir dir("cifar");
  testing::WriteBytes(dir.File("data_batch_1.bin"), testing::CifarBytes(6), false);
  testing::WriteBytes(dir.File("data_batch_2.bin"), testing::CifarBytes(4, 3), false);
  testing::WriteBytes(dir.File("test_batch.bin"), testing::CifarBytes(5), false);
  const Dataset d = ReadCifar10Files({dir.File("data_batch_1.bin"), dir.File("data_batch_2.bin")});
  EXPECT_EQ(d.images.sizes(), (std::vector<std::int64_t>{10, 3, 32, 32}));
  EXPECT_EQ(d.labels[7].item<std::int64_t>(), 4);   // second file, record 1: (1 + 3) % 10
  EXPECT_EQ(d.images[1][0][0][5].item<int>(), 12);  // (1*7 + 5) % 256
  EXPECT_EQ(d.images[1][1][0][0].item<int>(), (7 + 1024) % 256);  // green plane starts at 1024
  auto bytes = testing::CifarBytes(2);
  bytes.pop_back();
  testing::WriteBytes(dir.File("short.bin"), bytes, false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadCifar10Files({dir.File("short.bin")}); }),
              HasSubstr("'" + dir.File("short.bin") + "' is truncated"));
  DataOptions o;
  o.dataset = "cifar10";
  o.dir = dir.Path();
  o.validation_size = 3;
  o.load_test = true;
  const DataSplits s = LoadSplits(o);
  EXPECT_EQ(s.train.Size(), 7);
  EXPECT_EQ(s.val.Size(), 3);
  ASSERT_TRUE(s.test.has_value());
  EXPECT_EQ(s.test->Size(), 5);
  EXPECT_EQ(s.input.channels, 3);
}

TEST(Splits, SeededDisjointAndSubsetted) {
  TempDir dir("splits");
  testing::WriteIdxDataset(dir, "train", 100, 6, 6, true);
  testing::WriteIdxDataset(dir, "t10k", 20, 6, 6, true);
  DataOptions o;
  o.dataset = "mnist";
  o.dir = dir.Path();
  o.validation_size = 30;
  o.split_seed = 7;
  const DataSplits a = LoadSplits(o);
  EXPECT_EQ(a.train.Size(), 70);
  EXPECT_EQ(a.val.Size(), 30);
  EXPECT_FALSE(a.test.has_value());  // only on explicit request
  EXPECT_FALSE(a.flips_meaningful);  // digits
  // Standardised with the training split's statistics: mean ~0, std ~1 on train.
  EXPECT_NEAR(a.train.images.mean().item<double>(), 0.0, 1e-4);
  EXPECT_NEAR(a.train.images.std().item<double>(), 1.0, 1e-2);
  const DataSplits b = LoadSplits(o);
  EXPECT_TRUE(torch::equal(a.val.labels, b.val.labels));
  EXPECT_TRUE(torch::equal(a.val.images, b.val.images));
  o.split_seed = 8;
  const DataSplits c = LoadSplits(o);
  EXPECT_FALSE(torch::equal(a.val.images, c.val.images));
  // Disjoint: every image is distinct here (pixel pattern shifts per image), so compare rows.
  std::set<float> train_keys, val_keys;
  for (int i = 0; i < a.train.Size(); ++i)
    train_keys.insert(a.train.images[i][0][0][0].item<float>() * 1000 +
                      a.train.images[i][0][0][1].item<float>());
  for (int i = 0; i < a.val.Size(); ++i)
    val_keys.insert(a.val.images[i][0][0][0].item<float>() * 1000 +
                    a.val.images[i][0][0][1].item<float>());
  for (float k : val_keys) EXPECT_EQ(train_keys.count(k), 0u);
  o.train_subset = 10;
  o.val_subset = 5;
  o.load_test = true;
  const DataSplits d = LoadSplits(o);
  EXPECT_EQ(d.train.Size(), 10);
  EXPECT_EQ(d.val.Size(), 5);
  EXPECT_EQ(d.test->Size(), 20);
}

TEST(Splits, PermutationIsAFixedSequence) {
  const auto p = SeededPermutation(10, 42);
  std::vector<std::int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_EQ(p, SeededPermutation(10, 42));
  EXPECT_NE(p, SeededPermutation(10, 43));
}

TEST(Splits, ConfigurationErrors) {
  DataOptions o;
  o.dir = "/nonexistent/fashion";
  EXPECT_THAT(DatasetErrorOf([&] { LoadSplits(o); }),
              HasSubstr("dataset directory '/nonexistent/fashion' does not exist"));
  o.dataset = "imagenet";
  EXPECT_THROW(LoadSplits(o), UnknownNameError);
  TempDir dir("split_cfg");
  testing::WriteIdxDataset(dir, "train", 10, 4, 4, false);
  DataOptions p;
  p.dir = dir.Path();
  p.validation_size = 10;
  EXPECT_THROW(LoadSplits(p), ConfigError);
  TempDir empty("split_empty");
  p.dir = empty.Path();
  EXPECT_THAT(DatasetErrorOf([&] { LoadSplits(p); }),
              HasSubstr("has none of: train-images-idx3-ubyte.gz"));
}

TEST(FashionMnist, DebianPackageFilesLoadWhenInstalled) {
  const std::string dir = FindDatasetFormat("fashion_mnist").default_dir;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " not installed";
  const Dataset test = FindDatasetFormat("fashion_mnist").load(dir, Split::kTest, {});
  EXPECT_EQ(test.images.sizes(), (std::vector<std::int64_t>{10000, 1, 28, 28}));
  EXPECT_EQ(test.labels.max().item<std::int64_t>(), 9);
  EXPECT_EQ(torch::bincount(test.labels)[0].item<std::int64_t>(), 1000);  // balanced classes
}

}  // namespace
}  // namespace symnas::nn

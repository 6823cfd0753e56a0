// Datasets for the trainer: IDX (gzipped or raw; Fashion-MNIST, MNIST) and CIFAR-10 binary
// readers, a table of dataset formats, a seeded validation split and subsets. Produces float
// image tensors N x C x H x W standardised with the training split's per-channel mean/std.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symnas/nn/arch.hpp"

namespace symnas::nn {

/// Images and labels in memory.
struct Dataset {
  torch::Tensor images;  ///< float32 N x C x H x W (uint8 straight from a reader)
  torch::Tensor labels;  ///< int64 N, values in [0, classes)
  std::int64_t Size() const { return labels.defined() ? labels.size(0) : 0; }
};

/// Reads one IDX file (gzipped or raw: zlib reads both) into a uint8 tensor with the file's
/// dimensions. Wrong magic, unsupported type, truncation or trailing bytes -> DatasetError.
torch::Tensor ReadIdxFile(const std::string& path);
/// Reads an images/labels IDX pair (N x H x W images -> N x 1 x H x W uint8). Label count !=
/// image count -> DatasetError naming both files.
Dataset ReadIdxPair(const std::string& images_path, const std::string& labels_path);
/// Reads CIFAR-10 binary files (records of 1 label byte + 3072 pixel bytes) -> N x 3 x 32 x 32.
Dataset ReadCifar10Files(const std::vector<std::string>& paths);

/// Which part of a dataset to load.
enum class Split { kTrain, kTest };

/// One entry of the dataset-format table.
struct DatasetFormat {
  const char* name;         ///< "fashion_mnist", "mnist", "cifar10"
  const char* description;  ///< one line
  const char* default_dir;  ///< where the Debian package (or a user) puts it
  InputShape input;
  int classes;
  bool flips_meaningful;  ///< horizontal flips keep the class (not for digits)
  Dataset (*load)(const std::string& dir, Split split);  ///< raw uint8 images
};

/// The explicit table of dataset formats.
const std::vector<DatasetFormat>& DatasetFormats();
/// Look-up by name; unknown -> UnknownNameError listing valid names.
const DatasetFormat& FindDatasetFormat(const std::string& name);

/// How to carve the data for one study.
struct DataOptions {
  std::string dataset = "fashion_mnist";
  std::string dir;                       ///< empty = the format's default_dir
  std::int64_t validation_size = 10000;  ///< carved from the training data (seeded)
  std::int64_t train_subset = 0;         ///< 0 = all remaining training images
  std::int64_t val_subset = 0;           ///< 0 = the whole validation split
  bool load_test = false;                ///< the test set is read only on explicit request
  std::uint64_t split_seed = 0;
  /// How the user sets `dir`, for messages: "pass --data-dir" on the command line, the YAML key
  /// in a study config.
  std::string dir_option = "pass --data-dir";
};

/// Train/validation (and optional test) splits, float, standardised.
struct DataSplits {
  std::string dataset;
  InputShape input;
  int classes = 10;
  bool flips_meaningful = false;
  Dataset train;
  Dataset val;
  std::optional<Dataset> test;
};

/// A seeded permutation of 0..n-1 (Fisher-Yates on mt19937_64: identical on every platform).
std::vector<std::int64_t> SeededPermutation(std::int64_t n, std::uint64_t seed);

/// Loads, splits (seeded), subsets and standardises. Errors: DatasetError / ConfigError.
DataSplits LoadSplits(const DataOptions& options);

}  // namespace symnas::nn

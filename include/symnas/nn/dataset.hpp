// Datasets for the trainer: IDX (gzipped or raw; Fashion-MNIST, MNIST), CIFAR-10 binary and the
// user formats (an image folder, NumPy .npy/.npz; user_datasets.cpp), a table of dataset formats,
// a seeded validation split and subsets. Produces float image tensors N x C x H x W standardised
// with the training split's per-channel mean/std.
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
  torch::Tensor images;  ///< float32 N x C x H x W (uint8 or 0..255 float from a reader)
  torch::Tensor labels;  ///< int64 N, values in [0, classes)
  std::vector<std::string> class_names;  ///< image folder: index -> folder name; else empty
  int classes = 0;                       ///< user formats: classes found (0 = the format's)
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

/// How a user format turns image files into tensors (the built-in formats take none).
struct ImageOptions {
  int height = 0;  ///< resize every image to height x width; 0 = keep (all sizes must agree)
  int width = 0;
  int channels = 0;  ///< 1 (grey) or 3 (RGB); 0 = as the first image file (sorted order)
  bool Empty() const { return height == 0 && width == 0 && channels == 0; }
};

/// Reads an image folder (`dir/<class>/*.png|jpg|jpeg|bmp`, classes = sorted sub-folder names;
/// with `dir/train/` and `dir/test/` the splits are those sub-folders). Errors name the file:
/// undecodable image, mixed sizes without a resize, a class folder with no images, test classes
/// that differ from the training classes.
Dataset ReadImageFolder(const std::string& dir, const ImageOptions& options);
/// Reads one .npy array (little-endian |u1 <u1 <f4 <i8 <i4 <i2 <u2, C order) as a tensor of that
/// dtype; a bad magic, unsupported dtype, Fortran order or truncation -> DatasetError naming it.
torch::Tensor ReadNpyFile(const std::string& path);
/// Images (N x H x W or N x H x W x C, C in {1, 3}; uint8 0..255 or float32 0..1) and integer
/// labels (N) -> a Dataset (float images scaled by 255). Errors name the file.
Dataset DatasetFromArrays(torch::Tensor images, torch::Tensor labels,
                          const std::string& images_path, const std::string& labels_path);
/// Reads arrays `images` and `labels` of a .npz (stored or deflated zip, as numpy.savez writes).
Dataset ReadNpz(const std::string& path);

/// One entry of the dataset-format table.
struct DatasetFormat {
  const char* name;          ///< "fashion_mnist", "mnist", "cifar10", "image_folder", "numpy"
  const char* description;   ///< one line
  const char* default_dir;   ///< where the Debian package (or a user) puts it
  InputShape input;          ///< channels 0: read from the data (user formats)
  int classes;               ///< 0: read from the data (user formats)
  bool flips_meaningful;     ///< horizontal flips keep the class (not for digits)
  bool takes_image_options;  ///< accepts ImageOptions (resize, channels)
  Dataset (*load)(const std::string& dir, Split split, const ImageOptions& image);
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
  ImageOptions image;  ///< user formats only (image_folder)
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
  std::vector<float> mean, std;          ///< per channel, of train images / 255 (standardising)
  std::vector<std::string> class_names;  ///< user formats; empty for the built-in ones
  Dataset train;
  Dataset val;
  std::optional<Dataset> test;
};

/// A seeded permutation of 0..n-1 (Fisher-Yates on mt19937_64: identical on every platform).
std::vector<std::int64_t> SeededPermutation(std::int64_t n, std::uint64_t seed);

/// Loads, splits (seeded), subsets and standardises. Errors: DatasetError / ConfigError.
DataSplits LoadSplits(const DataOptions& options);

}  // namespace symnas::nn

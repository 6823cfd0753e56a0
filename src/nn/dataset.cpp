// Dataset readers (IDX via zlib, CIFAR-10 binary; the user formats are in user_datasets.cpp), the
// format table, the seeded validation split, subsets and standardisation. Takes files on disk,
// produces DataSplits.
#include "symnas/nn/dataset.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "symnas/common/error.hpp"
#include "symnas/common/name_table.hpp"
#include "user_datasets.hpp"

namespace symnas::nn {
namespace {

namespace fs = std::filesystem;

// Whole file, decompressed if gzipped (gzread passes raw files through unchanged).
std::vector<std::uint8_t> ReadAllBytes(const std::string& path) {
  if (!fs::is_regular_file(path)) {
    throw DatasetError(fmt::format("file '{}' does not exist", path), {path, 0, 0});
  }
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw DatasetError(fmt::format("cannot open '{}'", path), {path, 0, 0});
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> chunk(1 << 20);
  while (true) {
    const int n = gzread(f, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      throw DatasetError(fmt::format("'{}' is corrupt or truncated ({})", path, msg), {path, 0, 0});
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
  }
  gzclose(f);
  return bytes;
}

std::uint32_t BigEndian32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// First file of `names` that exists in `dir` (e.g. the .gz or the raw variant).
std::string FindFile(const std::string& dir, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const fs::path p = fs::path(dir) / name;
    if (fs::is_regular_file(p)) return p.string();
  }
  throw DatasetError(
      fmt::format("dataset directory '{}' has none of: {}", dir, fmt::join(names, ", ")),
      {dir, 0, 0});
}

void RequireDir(const std::string& dir, const std::string& how_to_set = "pass --data-dir") {
  if (!fs::is_directory(dir)) {
    throw DatasetError(fmt::format("dataset directory '{}' does not exist (install the Debian "
                                   "package or {})",
                                   dir, how_to_set),
                       {dir, 0, 0});
  }
}

Dataset LoadIdxDir(const std::string& dir, Split split, const ImageOptions&) {
  RequireDir(dir);
  const std::string prefix = split == Split::kTrain ? "train" : "t10k";
  const std::string images = prefix + "-images-idx3-ubyte";
  const std::string labels = prefix + "-labels-idx1-ubyte";
  const std::string images_path = FindFile(dir, {images + ".gz", images});
  return ReadIdxPair(images_path, FindFile(dir, {labels + ".gz", labels}));
}

Dataset LoadCifarDir(const std::string& dir, Split split, const ImageOptions&) {
  RequireDir(dir);
  std::vector<std::string> paths;
  if (split == Split::kTest) {
    paths.push_back(FindFile(dir, {"test_batch.bin"}));
  } else {
    paths.push_back(FindFile(dir, {"data_batch_1.bin"}));
    for (int i = 2; i <= 5; ++i) {
      const fs::path p = fs::path(dir) / fmt::format("data_batch_{}.bin", i);
      if (!fs::is_regular_file(p)) break;
      paths.push_back(p.string());
    }
  }
  return ReadCifar10Files(paths);
}

// Gathers rows `idx[begin, end)` of a dataset.
Dataset Take(const Dataset& d, const std::vector<std::int64_t>& idx, std::size_t begin,
             std::size_t end) {
  auto index = torch::tensor(std::vector<std::int64_t>(idx.begin() + begin, idx.begin() + end),
                             torch::kLong);
  return {d.images.index_select(0, index), d.labels.index_select(0, index), d.class_names,
          d.classes};
}

}  // namespace

torch::Tensor ReadIdxFile(const std::string& path) {
  const std::vector<std::uint8_t> bytes = ReadAllBytes(path);
  if (bytes.size() < 4) {
    throw DatasetError(
        fmt::format("'{}' is truncated: {} bytes, no IDX header", path, bytes.size()),
        {path, 0, 0});
  }
  if (bytes[0] != 0 || bytes[1] != 0) {
    throw DatasetError(fmt::format("'{}' has a wrong magic number 0x{:08x} (not an IDX file)", path,
                                   BigEndian32(bytes.data())),
                       {path, 0, 0});
  }
  if (bytes[2] != 0x08) {
    throw DatasetError(fmt::format("'{}': IDX element type 0x{:02x} unsupported (only 0x08, "
                                   "unsigned byte)",
                                   path, bytes[2]),
                       {path, 0, 0});
  }
  const int ndims = bytes[3];
  if (ndims < 1 || ndims > 4 || bytes.size() < 4 + 4 * static_cast<std::size_t>(ndims)) {
    throw DatasetError(
        fmt::format("'{}': bad or truncated IDX header ({} dimensions)", path, ndims),
        {path, 0, 0});
  }
  std::vector<std::int64_t> dims;
  std::size_t expected = 1;
  for (int i = 0; i < ndims; ++i) {
    dims.push_back(BigEndian32(bytes.data() + 4 + 4 * i));
    expected *= static_cast<std::size_t>(dims.back());
  }
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(ndims);
  if (bytes.size() - header != expected) {
    throw DatasetError(
        fmt::format("'{}' is {}: header promises {} data bytes, file has {}", path,
                    bytes.size() - header < expected ? "truncated" : "longer than its header",
                    expected, bytes.size() - header),
        {path, 0, 0});
  }
  auto t = torch::empty(dims, torch::kUInt8);
  std::memcpy(t.data_ptr<std::uint8_t>(), bytes.data() + header, expected);
  return t;
}

Dataset ReadIdxPair(const std::string& images_path, const std::string& labels_path) {
  torch::Tensor images = ReadIdxFile(images_path);
  torch::Tensor labels = ReadIdxFile(labels_path);
  if (images.dim() != 3) {
    throw DatasetError(
        fmt::format("'{}': expected 3 dimensions (N x H x W), got {}", images_path, images.dim()),
        {images_path, 0, 0});
  }
  if (labels.dim() != 1) {
    throw DatasetError(
        fmt::format("'{}': expected 1 dimension (labels), got {}", labels_path, labels.dim()),
        {labels_path, 0, 0});
  }
  if (labels.size(0) != images.size(0)) {
    throw DatasetError(fmt::format("label count {} in '{}' != image count {} in '{}'",
                                   labels.size(0), labels_path, images.size(0), images_path),
                       {labels_path, 0, 0});
  }
  return {images.unsqueeze(1).contiguous(), labels.to(torch::kLong), {}, 0};
}

Dataset ReadCifar10Files(const std::vector<std::string>& paths) {
  constexpr std::size_t kRecord = 1 + 3 * 32 * 32;
  std::vector<torch::Tensor> images, labels;
  for (const auto& path : paths) {
    const std::vector<std::uint8_t> bytes = ReadAllBytes(path);
    if (bytes.empty() || bytes.size() % kRecord != 0) {
      throw DatasetError(fmt::format("'{}' is truncated or not CIFAR-10 binary: {} bytes is not "
                                     "a positive multiple of the {}-byte record",
                                     path, bytes.size(), kRecord),
                         {path, 0, 0});
    }
    const auto n = static_cast<std::int64_t>(bytes.size() / kRecord);
    auto all = torch::from_blob(const_cast<std::uint8_t*>(bytes.data()), {n, std::int64_t{kRecord}},
                                torch::kUInt8)
                   .clone();
    auto lab = all.select(1, 0).to(torch::kLong);
    if (lab.max().item<std::int64_t>() > 9) {
      throw DatasetError(fmt::format("'{}' has a label > 9 (not CIFAR-10 binary)", path),
                         {path, 0, 0});
    }
    images.push_back(all.narrow(1, 1, kRecord - 1).reshape({n, 3, 32, 32}));
    labels.push_back(lab);
  }
  return {torch::cat(images).contiguous(), torch::cat(labels), {}, 0};
}

const std::vector<DatasetFormat>& DatasetFormats() {
  static const std::vector<DatasetFormat> kFormats = {
      {"fashion_mnist",
       "Fashion-MNIST, IDX files (gz or raw), 28x28 grey, 10 classes",
       "/usr/share/datasets/fashion-mnist",
       {1, 28, 28},
       10,
       true,
       false,
       &LoadIdxDir},
      {"mnist",
       "MNIST digits, IDX files (gz or raw), 28x28 grey, 10 classes (no flips)",
       "/usr/share/datasets/mnist",
       {1, 28, 28},
       10,
       false,
       false,
       &LoadIdxDir},
      {"cifar10",
       "CIFAR-10 binary version (data_batch_*.bin, test_batch.bin), 32x32 RGB",
       "data/cifar-10-batches-bin",
       {3, 32, 32},
       10,
       true,
       false,
       &LoadCifarDir},
      {"image_folder",
       "your images: dir/<class>/*.png|jpg|jpeg|bmp (or dir/train/<class>, dir/test/<class>); "
       "grey or RGB, resized to image_size",
       "",
       {0, 0, 0},
       0,
       false,
       true,
       &LoadImageFolderDir},
      {"numpy",
       "your arrays: dir/train_images.npy + train_labels.npy (N x H x W[x C], uint8 or float32 "
       "0..1) or dir/train.npz (images, labels); test_* / test.npz for the test split",
       "",
       {0, 0, 0},
       0,
       false,
       false,
       &LoadNumpyDir},
  };
  return kFormats;
}

const DatasetFormat& FindDatasetFormat(const std::string& name) {
  return FindByName(DatasetFormats(), "dataset", name);
}

std::vector<std::int64_t> SeededPermutation(std::int64_t n, std::uint64_t seed) {
  std::vector<std::int64_t> p(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) p[static_cast<std::size_t>(i)] = i;
  std::mt19937_64 rng(seed);
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(i + 1));
    std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]);
  }
  return p;
}

DataSplits LoadSplits(const DataOptions& o) {
  const DatasetFormat& format = FindDatasetFormat(o.dataset);
  const std::string dir = o.dir.empty() ? format.default_dir : o.dir;
  if (dir.empty()) {
    throw ConfigError(
        fmt::format("dataset '{}' needs a directory (dir: in the evaluator, or "
                    "--data-dir)",
                    format.name));
  }
  if (!format.takes_image_options && !o.image.Empty()) {
    throw ConfigError(
        fmt::format("dataset '{}' takes no image_size/channels (only image_folder "
                    "resizes or converts images)",
                    format.name));
  }
  if (o.validation_size < 1 || o.train_subset < 0 || o.val_subset < 0) {
    throw ConfigError("validation size must be >= 1 and subset sizes >= 0");
  }
  RequireDir(dir, o.dir_option);
  Dataset full = format.load(dir, Split::kTrain, o.image);
  const std::int64_t n = full.Size();
  if (o.validation_size >= n) {
    throw ConfigError(fmt::format("validation size {} leaves no training data ({} images in {})",
                                  o.validation_size, n, dir));
  }
  const auto perm = SeededPermutation(n, o.split_seed);
  const auto n_val = static_cast<std::size_t>(o.validation_size);
  std::size_t val_end = o.val_subset > 0 ? std::min<std::size_t>(n_val, o.val_subset) : n_val;
  std::size_t train_end =
      o.train_subset > 0 ? std::min<std::size_t>(perm.size(), n_val + o.train_subset) : perm.size();
  DataSplits s;
  s.dataset = format.name;
  s.input = {static_cast<int>(full.images.size(1)), static_cast<int>(full.images.size(2)),
             static_cast<int>(full.images.size(3))};
  s.classes = format.classes > 0 ? format.classes : full.classes;
  s.class_names = full.class_names;
  s.flips_meaningful = format.flips_meaningful;
  s.val = Take(full, perm, 0, val_end);
  s.train = Take(full, perm, n_val, train_end);
  // Per-channel mean/std of the training part only (no peeking at validation or test).
  auto train_f = s.train.images.to(torch::kFloat).div_(255.0f);
  auto mean = train_f.mean({0, 2, 3}, true);
  auto std = train_f.std({0, 2, 3}, true, true).clamp_min(1e-6);
  auto standardise = [&](const torch::Tensor& u8) {
    return u8.to(torch::kFloat).div_(255.0f).sub_(mean).div_(std).contiguous();
  };
  for (std::int64_t c = 0; c < mean.numel(); ++c) {
    s.mean.push_back(mean.flatten()[c].item<float>());
    s.std.push_back(std.flatten()[c].item<float>());
  }
  s.train.images = train_f.sub_(mean).div_(std).contiguous();
  s.val.images = standardise(s.val.images);
  if (o.load_test) {
    Dataset test = format.load(dir, Split::kTest, o.image);
    if (!test.class_names.empty() && test.class_names != full.class_names) {
      throw DatasetError(
          fmt::format("the test split of '{}' has classes [{}], the training split "
                      "[{}]; they must be the same",
                      dir, fmt::join(test.class_names, ", "), fmt::join(full.class_names, ", ")),
          {dir, 0, 0});
    }
    if (test.images.sizes().slice(1) != full.images.sizes().slice(1)) {
      throw DatasetError(fmt::format("the test images of '{}' are {}, the training images {} "
                                     "(C x H x W)",
                                     dir, fmt::join(test.images.sizes().slice(1), " x "),
                                     fmt::join(full.images.sizes().slice(1), " x ")),
                         {dir, 0, 0});
    }
    if (test.Size() > 0 && test.labels.max().item<std::int64_t>() >= s.classes) {
      throw DatasetError(fmt::format("the test split of '{}' has label {}, the training data only "
                                     "{} classes",
                                     dir, test.labels.max().item<std::int64_t>(), s.classes),
                         {dir, 0, 0});
    }
    test.images = standardise(test.images);
    s.test = std::move(test);
  }
  return s;
}

}  // namespace symnas::nn

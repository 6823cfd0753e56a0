// Helpers for the nn tests: write small IDX (raw or gzipped) and CIFAR-10 binary files into a
// temporary directory, and build tiny learnable in-memory datasets.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/nn/dataset.hpp"

namespace symnas::nn::testing {

/// The message of the DatasetError `f` throws, or "no error".
inline std::string DatasetErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const DatasetError& e) {
    return e.message();
  }
  return "no error";
}

/// A fresh temporary directory removed at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              (name + "_" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::string Path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline void WriteBytes(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gz) {
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
}

/// IDX bytes: magic 0 0 8 ndims, big-endian dims, then `data`.
inline std::vector<std::uint8_t> IdxBytes(const std::vector<std::uint32_t>& dims,
                                          const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> b = {0, 0, 8, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(d >> s));
  }
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

/// Writes train-/t10k- image and label files for n images of h x w; pixel = (i + j) % 256,
/// label = i % 10.
inline void WriteIdxDataset(const TempDir& dir, const std::string& prefix, std::uint32_t n,
                            std::uint32_t h, std::uint32_t w, bool gz) {
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(n) * h * w), labels(n);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i % 251);
  for (std::uint32_t i = 0; i < n; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  const std::string ext = gz ? ".gz" : "";
  WriteBytes(dir.File(prefix + "-images-idx3-ubyte" + ext), IdxBytes({n, h, w}, pixels), gz);
  WriteBytes(dir.File(prefix + "-labels-idx1-ubyte" + ext), IdxBytes({n}, labels), gz);
}

/// CIFAR-10 binary records: label i % 10, pixels (i * 7 + j) % 256.
inline std::vector<std::uint8_t> CifarBytes(int n, int label_offset = 0) {
  std::vector<std::uint8_t> b;
  for (int i = 0; i < n; ++i) {
    b.push_back(static_cast<std::uint8_t>((i + label_offset) % 10));
    for (int j = 0; j < 3072; ++j) b.push_back(static_cast<std::uint8_t>((i * 7 + j) % 256));
  }
  return b;
}

/// A learnable 1x12x12 task: class k lights up a 3x3 patch at a class-specific place, plus
/// noise. n_train / n_val images, 4 classes; the images count as standardised with mean 0 and
/// std 1 (so RunTrainedModel takes them as they are).
inline DataSplits TinySplits(int n_train, int n_val, std::uint64_t seed = 1) {
  torch::manual_seed(seed);
  auto make = [](int n) {
    Dataset d;
    d.labels = torch::randint(0, 4, {n}, torch::kLong);
    d.images = torch::randn({n, 1, 12, 12}) * 0.3;
    for (int i = 0; i < n; ++i) {
      const std::int64_t k = d.labels[i].item<std::int64_t>();
      d.images[i][0].narrow(0, 1 + 6 * (k / 2), 3).narrow(1, 1 + 6 * (k % 2), 3).add_(2.0);
    }
    return d;
  };
  DataSplits s;
  s.dataset = "tiny";
  s.input = {1, 12, 12};
  s.classes = 4;
  s.mean = {0.0f};
  s.std = {1.0f};
  s.train = make(n_train);
  s.val = make(n_val);
  s.test = make(n_val);
  return s;
}

/// A small arch for the tiny task.
inline Arch TinyArch() {
  Arch a;
  a.input = {1, 12, 12};
  a.classes = 4;
  ConvBlock b;
  b.filters = 8;
  b.convs = 1;
  b.dropout = 0;
  a.blocks = {b};
  DenseLayer d;
  d.units = 16;
  d.dropout = 0;
  a.dense = {d};
  a.train.epochs = 2;
  a.train.batch_size = 32;
  a.train.learning_rate = 3e-3;
  return a;
}

}  // namespace symnas::nn::testing

// The user dataset formats: an image folder (decoded and resized with Debian's libstb) and NumPy
// arrays (.npy parsed here, .npz through libzip). Takes the user's files, produces raw Datasets
// (uint8, or float 0..255) for LoadSplits; every bad input is a DatasetError naming its file.
#include "user_datasets.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "symnas/common/error.hpp"

namespace symnas::nn {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Fail(const std::string& path, const std::string& message) {
  throw DatasetError(fmt::format("'{}' {}", path, message), {path, 0, 0});
}

// ---- image folder ---------------------------------------------------------------------------

bool IsImageFile(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

std::vector<fs::path> SortedEntries(const fs::path& dir, bool directories) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (directories ? e.is_directory() : (e.is_regular_file() && IsImageFile(e.path())))
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One decoded image as C x H x W uint8, converted to `channels` and resized if asked.
torch::Tensor DecodeImage(const std::string& path, int channels, const ImageOptions& o) {
  int w = 0, h = 0, file_channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load(path.c_str(), &w, &h, &file_channels, channels), &stbi_image_free);
  if (!pixels) Fail(path, fmt::format("cannot be decoded as an image ({})", stbi_failure_reason()));
  auto hwc =
      torch::from_blob(pixels.get(), {std::int64_t{h}, std::int64_t{w}, std::int64_t{channels}},
                       torch::kUInt8)
          .clone();
  if (o.height > 0 && (h != o.height || w != o.width)) {
    auto out = torch::empty({std::int64_t{o.height}, std::int64_t{o.width}, std::int64_t{channels}},
                            torch::kUInt8);
    if (stbir_resize_uint8(pixels.get(), w, h, 0, out.data_ptr<std::uint8_t>(), o.width, o.height,
                           0, channels) == 0) {
      Fail(path, fmt::format("could not be resized from {}x{} to {}x{}", h, w, o.height, o.width));
    }
    hwc = out;
  }
  return hwc.permute({2, 0, 1}).contiguous();
}

// Channels of the first image file of the folder (sorted order): the default when none is set.
int FirstImageChannels(const std::vector<std::vector<fs::path>>& files) {
  for (const auto& list : files) {
    for (const auto& f : list) {
      int w = 0, h = 0, n = 0;
      if (stbi_info(f.string().c_str(), &w, &h, &n) == 0) {
        Fail(f.string(), fmt::format("cannot be decoded as an image ({})", stbi_failure_reason()));
      }
      return n >= 3 ? 3 : 1;
    }
  }
  return 1;
}

}  // namespace

Dataset ReadImageFolder(const std::string& dir, const ImageOptions& o) {
  if (!fs::is_directory(dir)) {
    throw DatasetError(fmt::format("image folder '{}' does not exist", dir), {dir, 0, 0});
  }
  if ((o.height > 0) != (o.width > 0) || o.height < 0 || o.width < 0) {
    throw ConfigError(
        fmt::format("image_size {}x{}: give both height and width, each >= 1", o.height, o.width));
  }
  if (o.channels != 0 && o.channels != 1 && o.channels != 3) {
    throw ConfigError(fmt::format("channels {}: must be 1 (grey) or 3 (RGB)", o.channels));
  }
  Dataset d;
  std::vector<std::vector<fs::path>> files;
  for (const fs::path& class_dir : SortedEntries(dir, true)) {
    files.push_back(SortedEntries(class_dir, false));
    if (files.back().empty()) {
      Fail(class_dir.string(), "is a class folder with no images (.png, .jpg, .jpeg, .bmp)");
    }
    d.class_names.push_back(class_dir.filename().string());
  }
  if (d.class_names.size() < 2) {
    throw DatasetError(fmt::format("image folder '{}' has {} class sub-folders; it needs one "
                                   "sub-folder of images per class, at least 2",
                                   dir, d.class_names.size()),
                       {dir, 0, 0});
  }
  const int channels = o.channels > 0 ? o.channels : FirstImageChannels(files);
  std::vector<torch::Tensor> images;
  std::vector<std::int64_t> labels;
  std::string first;
  for (std::size_t c = 0; c < files.size(); ++c) {
    for (const fs::path& f : files[c]) {
      images.push_back(DecodeImage(f.string(), channels, o));
      labels.push_back(static_cast<std::int64_t>(c));
      if (first.empty()) first = f.string();
      if (images.back().sizes() != images.front().sizes()) {
        Fail(f.string(), fmt::format("is {}x{}, but '{}' is {}x{}; set image_size to resize every "
                                     "image to one size",
                                     images.back().size(1), images.back().size(2), first,
                                     images.front().size(1), images.front().size(2)));
      }
    }
  }
  d.images = torch::stack(images).contiguous();
  d.labels = torch::tensor(labels, torch::kLong);
  d.classes = static_cast<int>(d.class_names.size());
  return d;
}

Dataset LoadImageFolderDir(const std::string& dir, Split split, const ImageOptions& image) {
  const fs::path train = fs::path(dir) / "train", test = fs::path(dir) / "test";
  const bool split_layout = fs::is_directory(train);
  if (split == Split::kTrain) return ReadImageFolder(split_layout ? train.string() : dir, image);
  if (!split_layout || !fs::is_directory(test)) {
    throw DatasetError(fmt::format("image folder '{}' has no test split: a test set needs "
                                   "'{}/train/<class>/' and '{}/test/<class>/'",
                                   dir, dir, dir),
                       {dir, 0, 0});
  }
  return ReadImageFolder(test.string(), image);
}

// ---- NumPy ----------------------------------------------------------------------------------

namespace {

struct NpyDtype {
  const char* descr;
  torch::ScalarType type;
  std::size_t bytes;
};

constexpr NpyDtype kNpyDtypes[] = {
    {"|u1", torch::kUInt8, 1}, {"<u1", torch::kUInt8, 1}, {"|i1", torch::kInt8, 1},
    {"<f4", torch::kFloat, 4}, {"<i8", torch::kLong, 8},  {"<i4", torch::kInt, 4},
    {"<i2", torch::kShort, 2}, {"<u2", torch::kInt, 2},
};

// The value of `key` in the header dict, up to the next top-level comma or closing brace.
std::string HeaderValue(const std::string& header, const std::string& key,
                        const std::string& path) {
  const std::size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) Fail(path, fmt::format("has no '{}' in its .npy header", key));
  std::size_t v = header.find(':', at) + 1;
  while (v < header.size() && header[v] == ' ') ++v;
  std::size_t end = v;
  int depth = 0;
  for (; end < header.size(); ++end) {
    if (header[end] == '(') ++depth;
    if (header[end] == ')') --depth;
    if (depth == 0 && (header[end] == ',' || header[end] == '}')) break;
  }
  return header.substr(v, end - v);
}

std::vector<std::int64_t> ParseShape(const std::string& text, const std::string& path) {
  if (text.empty() || text.front() != '(') Fail(path, "has a malformed shape in its .npy header");
  std::vector<std::int64_t> shape;
  std::string number;
  for (char ch : text.substr(1)) {
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      number += ch;
    } else if (!number.empty()) {
      shape.push_back(std::stoll(number));
      number.clear();
    }
  }
  return shape;
}

torch::Tensor ParseNpy(const std::vector<char>& bytes, const std::string& path) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) {
    Fail(path, "is not a .npy file (no \\x93NUMPY magic) or is truncated");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) Fail(path, "is truncated inside its .npy header");
  std::size_t header_len = 0;
  for (std::size_t i = 0; i < len_bytes; ++i)
    header_len |= std::size_t{static_cast<unsigned char>(bytes[8 + i])} << (8 * i);
  const std::size_t data_at = 8 + len_bytes + header_len;
  if (bytes.size() < data_at) Fail(path, "is truncated inside its .npy header");
  const std::string header(bytes.data() + 8 + len_bytes, header_len);
  std::string descr = HeaderValue(header, "descr", path);
  descr.erase(std::remove(descr.begin(), descr.end(), '\''), descr.end());
  const NpyDtype* dtype = nullptr;
  for (const NpyDtype& d : kNpyDtypes) dtype = descr == d.descr ? &d : dtype;
  if (dtype == nullptr) {
    Fail(path, fmt::format("has dtype '{}'; supported: uint8, float32 (images) and int8/16/32/64, "
                           "uint8/16 (labels), little-endian",
                           descr));
  }
  if (HeaderValue(header, "fortran_order", path) != "False") {
    Fail(path, "is in Fortran order; save a C-order array (numpy.ascontiguousarray)");
  }
  const std::vector<std::int64_t> shape = ParseShape(HeaderValue(header, "shape", path), path);
  std::size_t count = 1;
  for (std::int64_t s : shape) count *= static_cast<std::size_t>(s);
  const std::size_t have = bytes.size() - data_at, want = count * dtype->bytes;
  if (have != want) {
    Fail(path, fmt::format("is {}: its header promises {} data bytes, the file has {}",
                           have < want ? "truncated" : "longer than its header", want, have));
  }
  if (descr == "<u2") {  // no uint16 in libtorch: widen to int32
    auto u16 = torch::empty(shape, torch::kInt);
    for (std::size_t i = 0; i < count; ++i) {
      std::uint16_t v = 0;
      std::memcpy(&v, bytes.data() + data_at + 2 * i, 2);
      u16.data_ptr<std::int32_t>()[i] = v;
    }
    return u16;
  }
  auto t = torch::empty(shape, dtype->type);
  std::memcpy(t.data_ptr(), bytes.data() + data_at, want);
  return t;
}

std::vector<char> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DatasetError(fmt::format("file '{}' does not exist or cannot be read", path),
                       {path, 0, 0});
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

torch::Tensor ReadNpyFile(const std::string& path) { return ParseNpy(ReadFileBytes(path), path); }

Dataset DatasetFromArrays(torch::Tensor images, torch::Tensor labels,
                          const std::string& images_path, const std::string& labels_path) {
  if (images.scalar_type() != torch::kUInt8 && images.scalar_type() != torch::kFloat) {
    Fail(images_path, fmt::format("has images of dtype {}; use uint8 (0..255) or float32 (0..1)",
                                  c10::toString(images.scalar_type())));
  }
  if (images.dim() == 3) images = images.unsqueeze(3);
  if (images.dim() != 4 || (images.size(3) != 1 && images.size(3) != 3)) {
    Fail(images_path, fmt::format("has shape ({}); images must be N x H x W or N x H x W x C "
                                  "with C = 1 or 3",
                                  fmt::join(images.sizes(), ", ")));
  }
  if (labels.dim() != 1 || !c10::isIntegralType(labels.scalar_type(), false)) {
    Fail(labels_path,
         fmt::format("must hold integer labels of shape (N,), has {} of shape ({})",
                     c10::toString(labels.scalar_type()), fmt::join(labels.sizes(), ", ")));
  }
  if (labels.size(0) != images.size(0)) {
    Fail(labels_path, fmt::format("has {} labels, '{}' has {} images; they must match",
                                  labels.size(0), images_path, images.size(0)));
  }
  labels = labels.to(torch::kLong);
  if (labels.numel() > 0 && labels.min().item<std::int64_t>() < 0) {
    Fail(labels_path, fmt::format("has a negative label {}; labels are 0..classes-1",
                                  labels.min().item<std::int64_t>()));
  }
  Dataset d;
  d.images = images.permute({0, 3, 1, 2}).contiguous();
  if (d.images.scalar_type() == torch::kFloat) d.images.mul_(255.0f);
  d.labels = labels;
  d.classes = labels.numel() > 0 ? static_cast<int>(labels.max().item<std::int64_t>()) + 1 : 0;
  return d;
}

Dataset ReadNpz(const std::string& path) {
  int code = 0;
  std::unique_ptr<zip_t, int (*)(zip_t*)> archive(zip_open(path.c_str(), ZIP_RDONLY, &code),
                                                  &zip_close);
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    Fail(path, fmt::format("is not a readable .npz (zip) file: {}", reason));
  }
  auto member = [&](const std::string& name) {
    zip_stat_t st;
    if (zip_stat(archive.get(), (name + ".npy").c_str(), 0, &st) != 0) {
      Fail(path,
           fmt::format("has no array '{}' (numpy.savez(file, images=..., labels=...))", name));
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen_index(archive.get(), st.index, 0),
                                                        &zip_fclose);
    std::vector<char> bytes(st.size);
    if (!f || zip_fread(f.get(), bytes.data(), st.size) != static_cast<zip_int64_t>(st.size)) {
      Fail(path, fmt::format("is truncated or corrupt in member '{}.npy'", name));
    }
    return ParseNpy(bytes, path + ":" + name + ".npy");
  };
  return DatasetFromArrays(member("images"), member("labels"), path + ":images.npy",
                           path + ":labels.npy");
}

Dataset LoadNumpyDir(const std::string& dir, Split split, const ImageOptions&) {
  if (!fs::is_directory(dir)) {
    throw DatasetError(fmt::format("numpy dataset directory '{}' does not exist", dir),
                       {dir, 0, 0});
  }
  const std::string prefix = split == Split::kTrain ? "train" : "test";
  const fs::path npz = fs::path(dir) / (prefix + ".npz");
  const fs::path images = fs::path(dir) / (prefix + "_images.npy");
  const fs::path labels = fs::path(dir) / (prefix + "_labels.npy");
  if (fs::is_regular_file(images)) {
    return DatasetFromArrays(ReadNpyFile(images.string()), ReadNpyFile(labels.string()),
                             images.string(), labels.string());
  }
  if (fs::is_regular_file(npz)) return ReadNpz(npz.string());
  throw DatasetError(fmt::format("numpy dataset directory '{}' has neither {}_images.npy + "
                                 "{}_labels.npy nor {}.npz",
                                 dir, prefix, prefix, prefix),
                     {dir, 0, 0});
}

}  // namespace symnas::nn

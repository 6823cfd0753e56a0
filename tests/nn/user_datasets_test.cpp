// Tests of the user dataset formats: an image folder written here with stb_image_write (PNG, BMP,
// JPEG; grey and RGB; resizing), NumPy arrays written as raw .npy bytes and by numpy itself
// (/usr/bin/python3, for .npz), the error for every bad input, and LoadSplits on both formats.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>

#include "symnas/common/error.hpp"
#include "symnas/nn/dataset.hpp"
#include "test_data.hpp"

namespace symnas::nn {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using testing::DatasetErrorOf;
using ::testing::HasSubstr;
using testing::TempDir;

// h x w x c pixels, value (seed + 7 * index) % 256.
std::vector<std::uint8_t> Pixels(int h, int w, int c, int seed) {
  std::vector<std::uint8_t> p(static_cast<std::size_t>(h * w * c));
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>((seed + 7 * i) % 256);
  return p;
}

void WritePng(const std::string& path, int h, int w, int c, int seed) {
  fs::create_directories(fs::path(path).parent_path());
  const auto p = Pixels(h, w, c, seed);
  ASSERT_NE(stbi_write_png(path.c_str(), w, h, c, p.data(), w * c), 0) << path;
}

// Two classes "cat" (3 PNG) and "dog" (2 PNG + 1 BMP), 6 x 5 RGB.
void WriteFolder(const std::string& dir) {
  for (int i = 0; i < 3; ++i) WritePng(fmt::format("{}/cat/{}.png", dir, i), 6, 5, 3, i);
  for (int i = 0; i < 2; ++i) WritePng(fmt::format("{}/dog/{}.png", dir, i), 6, 5, 3, 10 + i);
  const auto p = Pixels(6, 5, 3, 20);
  ASSERT_NE(stbi_write_bmp((dir + "/dog/z.bmp").c_str(), 5, 6, 3, p.data()), 0);
  std::ofstream(dir + "/dog/notes.txt") << "not an image, ignored";
}

TEST(ImageFolder, ReadsClassesLabelsAndExactPixels) {
  TempDir dir("imgfolder");
  WriteFolder(dir.Path());
  const Dataset d = ReadImageFolder(dir.Path(), {});
  EXPECT_EQ(d.images.sizes(), (std::vector<std::int64_t>{6, 3, 6, 5}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(d.classes, 2);
  EXPECT_EQ(d.labels.sum().item<std::int64_t>(), 3);
  EXPECT_EQ(d.labels[2].item<std::int64_t>(), 0);
  EXPECT_EQ(d.labels[3].item<std::int64_t>(), 1);
  // Image 1 (cat/1.png): CHW pixel (c=2, y=1, x=3) is HWC index (1*5+3)*3+2 = 26.
  EXPECT_EQ(d.images[1][2][1][3].item<int>(), (1 + 7 * 26) % 256);
  // The BMP (lossless) decodes to the same values.
  EXPECT_EQ(d.images[5][0][0][1].item<int>(), (20 + 7 * 3) % 256);
}

TEST(ImageFolder, ConvertsToGreyAndResizes) {
  TempDir dir("imgfolder_grey");
  WriteFolder(dir.Path());
  fs::create_directories(dir.File("bird"));
  const auto p = Pixels(9, 9, 3, 1);
  ASSERT_NE(stbi_write_jpg(dir.File("bird/a.jpg").c_str(), 9, 9, 3, p.data(), 90), 0);
  ImageOptions o;
  o.height = 4;
  o.width = 4;
  o.channels = 1;
  const Dataset d = ReadImageFolder(dir.Path(), o);
  EXPECT_EQ(d.images.sizes(), (std::vector<std::int64_t>{7, 1, 4, 4}));
  EXPECT_EQ(d.classes, 3);
  EXPECT_EQ(d.class_names[0], "bird");
  // A constant image stays constant through the grey conversion and the resize.
  TempDir flat("imgfolder_flat");
  for (const char* c : {"a", "b"}) {
    fs::create_directories(flat.File(c));
    std::vector<std::uint8_t> grey(8 * 8, 77);
    ASSERT_NE(stbi_write_png(flat.File(std::string(c) + "/x.png").c_str(), 8, 8, 1, grey.data(), 8),
              0);
  }
  const Dataset f = ReadImageFolder(flat.Path(), o);
  EXPECT_EQ(f.images.min().item<int>(), 77);
  EXPECT_EQ(f.images.max().item<int>(), 77);
}

TEST(ImageFolder, BadInputsNameTheFile) {
  TempDir dir("imgfolder_bad");
  WriteFolder(dir.Path());
  WritePng(dir.File("dog/big.png"), 8, 8, 3, 0);
  EXPECT_THAT(
      DatasetErrorOf([&] { ReadImageFolder(dir.Path(), {}); }),
      AllOf(HasSubstr("'" + dir.File("dog/big.png") + "' is 8x8"), HasSubstr("set image_size")));
  fs::remove(dir.File("dog/big.png"));
  std::ofstream(dir.File("dog/broken.png")) << "garbage";
  EXPECT_THAT(DatasetErrorOf([&] { ReadImageFolder(dir.Path(), {}); }),
              HasSubstr("'" + dir.File("dog/broken.png") + "' cannot be decoded"));
  fs::remove(dir.File("dog/broken.png"));
  fs::create_directories(dir.File("empty"));
  EXPECT_THAT(DatasetErrorOf([&] { ReadImageFolder(dir.Path(), {}); }),
              HasSubstr("'" + dir.File("empty") + "' is a class folder with no images"));
  EXPECT_THAT(DatasetErrorOf([&] { ReadImageFolder(dir.File("absent"), {}); }),
              HasSubstr("does not exist"));
  ImageOptions bad;
  bad.channels = 2;
  fs::remove(dir.File("empty"));
  EXPECT_THROW(ReadImageFolder(dir.Path(), bad), ConfigError);
}

// .npy bytes: version 1.0 header padded to 64 bytes.
std::vector<std::uint8_t> NpyBytes(const std::string& descr, const std::string& shape,
                                   const void* data, std::size_t bytes, bool fortran = false) {
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}", descr,
                                   fortran ? "True" : "False", shape);
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  const std::uint8_t magic[] = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                static_cast<std::uint8_t>(header.size() & 0xff),
                                static_cast<std::uint8_t>(header.size() >> 8)};
  std::vector<std::uint8_t> out;
  out.reserve(sizeof magic + header.size() + bytes);
  out.insert(out.end(), std::begin(magic), std::end(magic));
  out.insert(out.end(), header.begin(), header.end());
  const auto* p = static_cast<const std::uint8_t*>(data);
  out.insert(out.end(), p, p + bytes);
  return out;
}

TEST(Numpy, ReadsUint8AndFloatArrays) {
  TempDir dir("npy");
  std::vector<std::uint8_t> img(4 * 3 * 2);
  for (std::size_t i = 0; i < img.size(); ++i) img[i] = static_cast<std::uint8_t>(i * 5);
  std::vector<std::int64_t> lab = {0, 2, 1, 2};
  testing::WriteBytes(dir.File("train_images.npy"), NpyBytes("|u1", "(4, 3, 2)", img.data(), 24),
                      false);
  testing::WriteBytes(dir.File("train_labels.npy"), NpyBytes("<i8", "(4,)", lab.data(), 32), false);
  const Dataset d = FindDatasetFormat("numpy").load(dir.Path(), Split::kTrain, {});
  EXPECT_EQ(d.images.sizes(), (std::vector<std::int64_t>{4, 1, 3, 2}));
  EXPECT_EQ(d.images[1][0][2][1].item<int>(), (6 + 5) * 5);
  EXPECT_EQ(d.classes, 3);
  EXPECT_EQ(d.labels[1].item<std::int64_t>(), 2);
  // float32 N x H x W x C in 0..1 -> N x C x H x W scaled to 0..255.
  std::vector<float> f(2 * 2 * 2 * 3);
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(i) / 32.0f;
  const std::string fpath = dir.File("f.npy");
  testing::WriteBytes(fpath, NpyBytes("<f4", "(2, 2, 2, 3)", f.data(), f.size() * 4), false);
  const Dataset g = DatasetFromArrays(ReadNpyFile(fpath), torch::tensor({0, 1}), fpath, "labels");
  EXPECT_EQ(g.images.sizes(), (std::vector<std::int64_t>{2, 3, 2, 2}));
  EXPECT_FLOAT_EQ(g.images[1][2][0][1].item<float>(), 255.0f * (12 + 3 + 2) / 32.0f);
}

TEST(Numpy, BadArraysNameTheFile) {
  TempDir dir("npy_bad");
  std::vector<double> d(4);
  const std::string f64 = dir.File("f64.npy");
  testing::WriteBytes(f64, NpyBytes("<f8", "(4,)", d.data(), 32), false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadNpyFile(f64); }),
              HasSubstr("'" + f64 + "' has dtype '<f8'"));
  std::vector<std::uint8_t> u(12);
  const std::string truncated = dir.File("t.npy");
  testing::WriteBytes(truncated, NpyBytes("|u1", "(2, 3, 3)", u.data(), 12), false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadNpyFile(truncated); }),
              HasSubstr("'" + truncated +
                        "' is truncated: its header promises 18 data bytes, "
                        "the file has 12"));
  const std::string fortran = dir.File("fortran.npy");
  testing::WriteBytes(fortran, NpyBytes("|u1", "(3, 4)", u.data(), 12, true), false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadNpyFile(fortran); }), HasSubstr("Fortran order"));
  const std::string junk = dir.File("junk.npy");
  testing::WriteBytes(junk, {1, 2, 3}, false);
  EXPECT_THAT(DatasetErrorOf([&] { ReadNpyFile(junk); }), HasSubstr("is not a .npy file"));
  EXPECT_THAT(DatasetErrorOf([&] {
                DatasetFromArrays(torch::zeros({3, 2, 2}, torch::kUInt8), torch::tensor({0, 1}),
                                  "img.npy", "lab.npy");
              }),
              HasSubstr("'lab.npy' has 2 labels, 'img.npy' has 3 images"));
  EXPECT_THAT(DatasetErrorOf([&] {
                DatasetFromArrays(torch::zeros({2, 2, 2}, torch::kInt), torch::tensor({0, 1}),
                                  "img.npy", "lab.npy");
              }),
              HasSubstr("'img.npy' has images of dtype Int"));
  EXPECT_THAT(
      DatasetErrorOf([&] { FindDatasetFormat("numpy").load(dir.Path(), Split::kTest, {}); }),
      HasSubstr("has neither test_images.npy + test_labels.npy nor test.npz"));
}

// numpy itself writes the .npz (compressed) and the .npy files: an independent writer.
TEST(Numpy, ReadsArraysWrittenByNumpy) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir("npz");
  const std::string script = fmt::format(
      "/usr/bin/python3 -c \"import numpy as np; x = (np.arange(5*4*4*3) % 251).astype(np.uint8)"
      ".reshape(5, 4, 4, 3); y = np.array([1, 0, 1, 0, 2], dtype=np.int32); "
      "np.savez_compressed('{0}/train.npz', images=x, labels=y); "
      "np.save('{0}/test_images.npy', x[:2]); np.save('{0}/test_labels.npy', "
      "y[:2].astype(np.uint8))\"",
      dir.Path());
  ASSERT_EQ(std::system(script.c_str()), 0) << script;
  const Dataset d = FindDatasetFormat("numpy").load(dir.Path(), Split::kTrain, {});
  EXPECT_EQ(d.images.sizes(), (std::vector<std::int64_t>{5, 3, 4, 4}));
  // NHWC index of (n=2, y=1, x=3, c=1) = ((2*4+1)*4+3)*3+1 = 118.
  EXPECT_EQ(d.images[2][1][1][3].item<int>(), 118);
  EXPECT_EQ(d.classes, 3);
  const Dataset t = FindDatasetFormat("numpy").load(dir.Path(), Split::kTest, {});
  EXPECT_EQ(t.labels.sizes(), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(t.labels[0].item<std::int64_t>(), 1);
  fs::create_directories(dir.File("broken"));
  std::ofstream(dir.File("broken/train.npz"), std::ios::binary) << "PK\x03\x04truncated";
  EXPECT_THAT(DatasetErrorOf(
                  [&] { FindDatasetFormat("numpy").load(dir.File("broken"), Split::kTrain, {}); }),
              HasSubstr("'" + dir.File("broken/train.npz") + "' is not a readable .npz"));
}

TEST(UserFormats, LoadSplitsTakesShapeAndClassesFromTheData) {
  TempDir dir("imgfolder_splits");
  for (int i = 0; i < 12; ++i) {
    WritePng(fmt::format("{}/train/{}/{}.png", dir.Path(), i % 3 == 0 ? "a" : "b", i), 6, 5, 3, i);
  }
  WritePng(dir.File("test/a/0.png"), 6, 5, 3, 99);
  WritePng(dir.File("test/b/0.png"), 6, 5, 3, 98);
  DataOptions o;
  o.dataset = "image_folder";
  o.dir = dir.Path();
  o.validation_size = 4;
  o.split_seed = 5;
  o.load_test = true;
  const DataSplits s = LoadSplits(o);
  EXPECT_EQ(s.input.channels, 3);
  EXPECT_EQ(s.input.height, 6);
  EXPECT_EQ(s.input.width, 5);
  EXPECT_EQ(s.classes, 2);
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.train.Size(), 8);
  EXPECT_EQ(s.val.Size(), 4);
  ASSERT_TRUE(s.test.has_value());
  EXPECT_EQ(s.test->Size(), 2);
  ASSERT_EQ(s.mean.size(), 3u);
  // Standardised with the training split's statistics: mean ~0, std ~1 per channel.
  EXPECT_NEAR(s.train.images.mean({0, 2, 3})[1].item<float>(), 0.0, 1e-4);
  EXPECT_NEAR(s.train.images.select(1, 2).std().item<float>(), 1.0, 1e-3);
  // The same seed gives the same split; a resize option is refused by a built-in format.
  EXPECT_TRUE(torch::equal(LoadSplits(o).val.images, s.val.images));
  DataOptions f;
  f.image.height = f.image.width = 8;
  EXPECT_THROW(LoadSplits(f), ConfigError);
  // A test split whose classes differ names them.
  fs::create_directories(dir.File("test/c"));
  WritePng(dir.File("test/c/0.png"), 6, 5, 3, 97);
  EXPECT_THAT(DatasetErrorOf([&] { LoadSplits(o); }), HasSubstr("has classes [a, b, c]"));
}

}  // namespace
}  // namespace symnas::nn

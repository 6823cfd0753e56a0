// Folder layouts of the user dataset formats (image_folder, numpy) for the format table in
// dataset.cpp; the readers they use are declared in symnas/nn/dataset.hpp.
#pragma once

#include <string>

#include "symnas/nn/dataset.hpp"

namespace symnas::nn {

/// `dir/<class>/...` (training only) or `dir/train/<class>/...` and `dir/test/<class>/...`.
Dataset LoadImageFolderDir(const std::string& dir, Split split, const ImageOptions& image);
/// `dir/<split>_images.npy` + `dir/<split>_labels.npy`, or `dir/<split>.npz`.
Dataset LoadNumpyDir(const std::string& dir, Split split, const ImageOptions& image);

}  // namespace symnas::nn

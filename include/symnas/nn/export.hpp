// A trained network as one value (architecture, weights, input standardisation), its byte form
// (what `train --save` writes and a study keeps), and the table of deployable export formats
// (ONNX written from C++ with Debian's libonnx protobuf schema; TorchScript).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "symnas/nn/arch.hpp"
#include "symnas/nn/dataset.hpp"
#include "symnas/nn/model.hpp"

namespace symnas::nn {

/// A trained network. The exported model's input is the raw image scaled to 0..1 (pixel / 255),
/// N x C x H x W float; it standardises with `mean`/`std` itself and outputs logits N x classes.
struct TrainedModel {
  Arch arch;
  torch::nn::Sequential module;          ///< eval-mode weights (best epoch)
  std::vector<float> mean, std;          ///< per channel, of the training images / 255
  std::vector<std::string> class_names;  ///< empty for the built-in datasets
  std::string dataset;                   ///< format name it was trained on
  std::uint64_t seed = 0;                ///< training seed
  /// int8 calibration: per Conv2d / Linear layer (index among the module's children), the min
  /// and max of its input over the first kCalibrationImages training images (standardised).
  /// Recorded by MakeTrainedModel; empty in a model saved before (onnx-int8 then refuses it).
  std::map<int, std::pair<float, float>> input_ranges;
};

/// Training images MakeTrainedModel runs through the network for the int8 calibration.
inline constexpr std::int64_t kCalibrationImages = 512;

/// The model of a finished training on `data` (copies the module's weights).
TrainedModel MakeTrainedModel(const Arch& arch, torch::nn::Sequential& module,
                              const DataSplits& data, std::uint64_t seed);
/// Byte form: a libtorch archive holding the module's tensors and a JSON "symnas_model" entry
/// (arch, mean, std, class names, dataset, seed).
std::string SerializeTrainedModel(const TrainedModel& model);
/// Inverse of SerializeTrainedModel; malformed bytes -> StoreError naming `source`.
TrainedModel DeserializeTrainedModel(const std::string& bytes, const std::string& source);
/// Runs the exported function (standardise, then the module) on images scaled 0..1.
torch::Tensor RunTrainedModel(TrainedModel& model, const torch::Tensor& images01);

/// What an exporter reports (sizes as written).
struct ExportSummary {
  std::int64_t file_bytes = 0;
  std::int64_t params = 0;  ///< trainable parameters written (libtorch's count)
  std::string details;      ///< e.g. "opset 13, 14 nodes"
};

/// One entry of the export-format table.
struct ExportFormat {
  const char* name;         ///< "onnx", "torchscript"
  const char* description;  ///< one line
  ExportSummary (*write)(TrainedModel& model, const std::string& path);
  /// The file is the int8 graph of PlanInt8 (quantise.hpp): export-model then reports its
  /// accuracy (SimulateInt8) beside the fp32 one.
  bool int8 = false;
};

/// The explicit table of export formats.
const std::vector<ExportFormat>& ExportFormats();
/// Look-up by name; unknown -> UnknownNameError listing valid names.
const ExportFormat& FindExportFormat(const std::string& name);

/// ONNX opset the writer targets.
inline constexpr int kOnnxOpset = 13;
/// Writes `model` as an ONNX file (opset kOnnxOpset): Sub/Div standardisation, Conv,
/// BatchNormalization, Relu/Elu/Selu/Sigmoid*Mul (swish), MaxPool/AveragePool, Flatten, Gemm;
/// dropout is the identity at inference and is not written. Input "input" N x C x H x W
/// (N dynamic), output "logits".
ExportSummary WriteOnnx(TrainedModel& model, const std::string& path);
/// Writes `model` as an int8 ONNX file (opset kOnnxOpset, QDQ form, post-training static
/// quantisation): batch norm folded into its convolution; every Conv and Gemm reads its input
/// through QuantizeLinear/DequantizeLinear (uint8, asymmetric, range from input_ranges), its
/// weights as int8 (symmetric, per output channel) and its bias as int32 (scale = input scale x
/// weight scale), each through DequantizeLinear; the rest as WriteOnnx. The graph is PlanInt8's
/// (quantise.hpp), which SimulateInt8 runs in libtorch. ExportError if the model has no
/// calibration.
ExportSummary WriteOnnxInt8(TrainedModel& model, const std::string& path);
/// Writes `model` as a TorchScript module (torch.jit.load / torch::jit::load; forward(x) as for
/// ONNX), scripted from generated TorchScript source with the weights as parameters.
ExportSummary WriteTorchScript(TrainedModel& model, const std::string& path);

}  // namespace symnas::nn

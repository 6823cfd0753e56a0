// TrainedModel: building one from a finished training, its byte form (a libtorch archive with
// a JSON description), the export-format table and the TorchScript writer (generated
// TorchScript source compiled by libtorch, the weights registered as parameters).
#include "symnas/nn/export.hpp"

#include <fmt/format.h>
#include <torch/script.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "symnas/common/error.hpp"
#include "symnas/common/name_table.hpp"

namespace symnas::nn {
namespace {

namespace tnn = torch::nn;

nlohmann::json Description(const TrainedModel& m) {
  nlohmann::json ranges = nlohmann::json::array();
  for (const auto& [layer, range] : m.input_ranges) {
    ranges.push_back({layer, range.first, range.second});
  }
  return {{"arch", ArchToJson(m.arch)},   {"mean", m.mean},        {"std", m.std},
          {"class_names", m.class_names}, {"dataset", m.dataset},  {"seed", std::to_string(m.seed)},
          {"format", "symnas_model/1"},   {"input_ranges", ranges}};
}

// The int8 calibration: runs the first kCalibrationImages training images through the module
// layer by layer and records the range of every Conv2d / Linear input.
std::map<int, std::pair<float, float>> CalibrationRanges(tnn::Sequential& module,
                                                         const Dataset& train) {
  std::map<int, std::pair<float, float>> ranges;
  if (train.Size() == 0) return ranges;
  torch::NoGradGuard no_grad;
  module->eval();
  torch::Tensor x = train.images.slice(0, 0, std::min(train.Size(), kCalibrationImages))
                        .to(torch::kFloat)
                        .contiguous();
  int i = 0;
  for (auto& layer : *module) {
    if (layer.ptr()->as<tnn::Conv2d>() || layer.ptr()->as<tnn::Linear>()) {
      ranges[i] = {x.min().item<float>(), x.max().item<float>()};
    }
    x = layer.forward(x);
    ++i;
  }
  return ranges;
}

// TorchScript source line(s) for one layer; registers its tensors on `ts` as `l<i>_<name>`.
std::string ScriptLayer(const std::shared_ptr<tnn::Module>& layer, std::size_t i,
                        torch::jit::Module& ts) {
  auto reg = [&](const std::string& name, const torch::Tensor& t) {
    const std::string key = fmt::format("l{}_{}", i, name);
    ts.register_parameter(key, t.detach().contiguous().clone(), false);
    return "self." + key;
  };
  if (auto* conv = layer->as<tnn::Conv2d>()) {
    const auto pad = c10::get<torch::ExpandingArray<2>>(conv->options.padding());
    return fmt::format("x = torch.conv2d(x, {}, {}, [1, 1], [{}, {}])", reg("weight", conv->weight),
                       conv->bias.defined() ? reg("bias", conv->bias) : "None", pad->at(0),
                       pad->at(1));
  }
  if (auto* bn = layer->as<tnn::BatchNorm2d>()) {
    return fmt::format("x = torch.batch_norm(x, {}, {}, {}, {}, False, 0.0, {}, False)",
                       reg("weight", bn->weight), reg("bias", bn->bias),
                       reg("running_mean", bn->running_mean), reg("running_var", bn->running_var),
                       bn->options.eps());
  }
  if (layer->as<tnn::ReLU>()) return "x = torch.relu(x)";
  if (auto* elu = layer->as<tnn::ELU>())
    return fmt::format("x = torch.elu(x, {})", elu->options.alpha());
  if (layer->as<tnn::SELU>()) return "x = torch.selu(x)";
  if (layer->as<tnn::SiLU>()) return "x = x * torch.sigmoid(x)";
  if (layer->as<tnn::MaxPool2d>()) return "x = torch.max_pool2d(x, [2, 2], [2, 2])";
  if (layer->as<tnn::AvgPool2d>()) return "x = torch.avg_pool2d(x, [2, 2], [2, 2])";
  if (layer->as<tnn::Dropout>()) return "";  // the identity at inference
  if (layer->as<tnn::Flatten>()) return "x = torch.flatten(x, 1)";
  if (auto* fc = layer->as<tnn::Linear>()) {
    return fmt::format("x = torch.linear(x, {}, {})", reg("weight", fc->weight),
                       reg("bias", fc->bias));
  }
  throw Error("ExportError", fmt::format("TorchScript export: no translation for layer {} ({})", i,
                                         layer->name()));
}

std::int64_t FileBytes(const std::string& path) {
  return static_cast<std::int64_t>(std::filesystem::file_size(path));
}

}  // namespace

TrainedModel MakeTrainedModel(const Arch& arch, tnn::Sequential& module, const DataSplits& data,
                              std::uint64_t seed) {
  TrainedModel m;
  m.arch = arch;
  m.module = BuildModule(arch);
  {
    torch::NoGradGuard no_grad;
    auto src = module->named_parameters(), dst = m.module->named_parameters();
    for (auto& p : dst) p.value().copy_(src[p.key()]);
    auto src_b = module->named_buffers(), dst_b = m.module->named_buffers();
    for (auto& b : dst_b) b.value().copy_(src_b[b.key()]);
  }
  m.module->eval();
  m.mean = data.mean;
  m.std = data.std;
  m.class_names = data.class_names;
  m.dataset = data.dataset;
  m.seed = seed;
  m.input_ranges = CalibrationRanges(m.module, data.train);
  return m;
}

std::string SerializeTrainedModel(const TrainedModel& model) {
  torch::serialize::OutputArchive archive, weights;
  model.module->save(weights);
  archive.write("module", weights);
  archive.write("symnas_model", c10::IValue(Description(model).dump()));
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

TrainedModel DeserializeTrainedModel(const std::string& bytes, const std::string& source) {
  try {
    torch::serialize::InputArchive archive, weights;
    archive.load_from(bytes.data(), bytes.size());
    c10::IValue description;
    if (!archive.try_read("symnas_model", description) || !description.isString()) {
      throw StoreError(fmt::format("'{}' holds no symnas model description", source));
    }
    const auto j = nlohmann::json::parse(description.toStringRef());
    TrainedModel m;
    m.arch = ArchFromJson(j.at("arch"));
    m.mean = j.at("mean").get<std::vector<float>>();
    m.std = j.at("std").get<std::vector<float>>();
    m.class_names = j.at("class_names").get<std::vector<std::string>>();
    m.dataset = j.at("dataset").get<std::string>();
    m.seed = std::stoull(j.at("seed").get<std::string>());
    if (j.contains("input_ranges")) {
      for (const auto& r : j.at("input_ranges")) {
        m.input_ranges[r.at(0).get<int>()] = {r.at(1).get<float>(), r.at(2).get<float>()};
      }
    }
    m.module = BuildModule(m.arch);
    archive.read("module", weights);
    m.module->load(weights);
    m.module->eval();
    return m;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError(fmt::format("'{}' is not a readable symnas model: {}", source,
                                 std::string(e.what()).substr(0, 200)));
  }
}

torch::Tensor RunTrainedModel(TrainedModel& model, const torch::Tensor& images01) {
  torch::NoGradGuard no_grad;
  model.module->eval();
  const auto c = static_cast<std::int64_t>(model.mean.size());
  auto x = (images01 - torch::tensor(model.mean).reshape({1, c, 1, 1})) /
           torch::tensor(model.std).reshape({1, c, 1, 1});
  return model.module->forward(x);
}

ExportSummary WriteTorchScript(TrainedModel& model, const std::string& path) {
  torch::jit::Module ts("__torch__.SymnasNet");
  const auto c = static_cast<std::int64_t>(model.mean.size());
  ts.register_buffer("mean", torch::tensor(model.mean).reshape({1, c, 1, 1}));
  ts.register_buffer("std", torch::tensor(model.std).reshape({1, c, 1, 1}));
  std::string source = "def forward(self, x):\n    x = (x - self.mean) / self.std\n";
  const auto layers = model.module->children();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string line = ScriptLayer(layers[i], i, ts);
    if (!line.empty()) source += "    " + line + "\n";
  }
  source += "    return x\n";
  ts.define(source);
  ts.eval();
  try {
    ts.save(path);
  } catch (const c10::Error&) {
    throw ConfigError(fmt::format("cannot write the TorchScript file '{}'", path), {path, 0, 0});
  }
  return {FileBytes(path), CountParameters(*model.module),
          fmt::format("{} layers scripted", layers.size())};
}

const std::vector<ExportFormat>& ExportFormats() {
  static const std::vector<ExportFormat> kFormats = {
      {"onnx", "ONNX (opset 13), for onnxruntime, OpenCV dnn, TensorRT, TFLite converters",
       &WriteOnnx},
      {"onnx-int8",
       "int8 ONNX (opset 13, QDQ; post-training static quantisation calibrated on the training "
       "images), for onnxruntime",
       &WriteOnnxInt8, true},
      {"torchscript", "TorchScript module for torch.jit.load (Python) and torch::jit::load (C++)",
       &WriteTorchScript},
  };
  return kFormats;
}

const ExportFormat& FindExportFormat(const std::string& name) {
  return FindByName(ExportFormats(), "export format", name);
}

}  // namespace symnas::nn

// ONNX writer: walks the trained torch::nn::Sequential built from an Arch (model.cpp's layer
// order) and emits one ONNX node per layer with the weights as initializers, through the
// protobuf classes of Debian's libonnx (onnx-ml.proto). Takes a TrainedModel, produces a file.
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <fstream>

#include "symnas/common/error.hpp"
#include "symnas/nn/export.hpp"

namespace symnas::nn {
namespace {

namespace tnn = torch::nn;

// Builds the graph: every Add* appends nodes reading `current_` and moves it to their output.
class OnnxGraphBuilder {
 public:
  explicit OnnxGraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

  void SetCurrent(const std::string& name) { current_ = name; }
  const std::string& current() const { return current_; }

  // An initializer from a float tensor (copied, NCHW-contiguous).
  std::string Initializer(const std::string& name, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kFloat).contiguous();
    onnx::TensorProto* init = graph_.add_initializer();
    init->set_name(name);
    init->set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : c.sizes()) init->add_dims(d);
    init->set_raw_data(std::string(static_cast<const char*>(c.data_ptr()),
                                   static_cast<std::size_t>(c.numel()) * sizeof(float)));
    return name;
  }

  // A node `op` on the current value plus `extra` inputs; returns it for attributes.
  onnx::NodeProto& Node(const std::string& op, const std::vector<std::string>& extra = {}) {
    onnx::NodeProto* n = graph_.add_node();
    const std::string out = fmt::format("{}_{}", op, graph_.node_size());
    n->set_op_type(op);
    n->set_name(out);
    n->add_input(current_);
    for (const auto& e : extra) n->add_input(e);
    n->add_output(out);
    current_ = out;
    return *n;
  }

  static void Ints(onnx::NodeProto& n, const std::string& name, std::vector<std::int64_t> v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t x : v) a->add_ints(x);
  }
  static void Int(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void Float(onnx::NodeProto& n, const std::string& name, float v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }

  // One layer of the Sequential; `i` makes initializer names unique.
  void AddLayer(const std::shared_ptr<tnn::Module>& layer, std::size_t i) {
    const std::string p = fmt::format("layer{}", i);
    if (auto* conv = layer->as<tnn::Conv2d>()) {
      std::vector<std::string> in = {Initializer(p + ".weight", conv->weight)};
      if (conv->bias.defined()) in.push_back(Initializer(p + ".bias", conv->bias));
      const auto k = conv->options.kernel_size();
      const auto pad = c10::get<torch::ExpandingArray<2>>(conv->options.padding());
      onnx::NodeProto& n = Node("Conv", in);
      Ints(n, "kernel_shape", {k->at(0), k->at(1)});
      Ints(n, "pads", {pad->at(0), pad->at(1), pad->at(0), pad->at(1)});
      Ints(n, "strides", {1, 1});
    } else if (auto* bn = layer->as<tnn::BatchNorm2d>()) {
      onnx::NodeProto& n =
          Node("BatchNormalization",
               {Initializer(p + ".weight", bn->weight), Initializer(p + ".bias", bn->bias),
                Initializer(p + ".running_mean", bn->running_mean),
                Initializer(p + ".running_var", bn->running_var)});
      Float(n, "epsilon", static_cast<float>(bn->options.eps()));
    } else if (layer->as<tnn::ReLU>()) {
      Node("Relu");
    } else if (auto* elu = layer->as<tnn::ELU>()) {
      Float(Node("Elu"), "alpha", static_cast<float>(elu->options.alpha()));
    } else if (layer->as<tnn::SELU>()) {
      // selu(x) = gamma * elu(x, alpha) with torch's constants: Elu and Mul run in every
      // runtime (a plain Selu node is not in every one).
      Float(Node("Elu"), "alpha", 1.6732632423543772f);
      Node("Mul", {Initializer(p + ".selu_gamma", torch::tensor(1.0507009873554805f))});
    } else if (layer->as<tnn::SiLU>()) {
      const std::string x = current_;
      Node("Sigmoid");
      Node("Mul", {x});
    } else if (layer->as<tnn::MaxPool2d>() || layer->as<tnn::AvgPool2d>()) {
      onnx::NodeProto& n = Node(layer->as<tnn::MaxPool2d>() ? "MaxPool" : "AveragePool");
      Ints(n, "kernel_shape", {2, 2});
      Ints(n, "strides", {2, 2});
    } else if (layer->as<tnn::Dropout>()) {
      // The identity at inference: nothing is written.
    } else if (layer->as<tnn::Flatten>()) {
      Int(Node("Flatten"), "axis", 1);
    } else if (auto* fc = layer->as<tnn::Linear>()) {
      onnx::NodeProto& n = Node(
          "Gemm", {Initializer(p + ".weight", fc->weight), Initializer(p + ".bias", fc->bias)});
      Int(n, "transB", 1);
    } else {
      throw Error("ExportError",
                  fmt::format("ONNX export: no ONNX node for layer {} ({})", i, layer->name()));
    }
  }

 private:
  onnx::GraphProto& graph_;
  std::string current_;
};

void SetTensorType(onnx::ValueInfoProto& v, const std::string& name,
                   const std::vector<std::int64_t>& dims) {
  v.set_name(name);
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = t->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (std::int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

}  // namespace

ExportSummary WriteOnnx(TrainedModel& model, const std::string& path) {
  onnx::ModelProto proto;
  proto.set_ir_version(onnx::IR_VERSION);
  proto.set_producer_name("symnas");
  proto.set_doc_string("input: images N x C x H x W scaled to 0..1 (pixel / 255); output: logits");
  onnx::OperatorSetIdProto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::GraphProto& graph = *proto.mutable_graph();
  graph.set_name("symnas_cnn");
  const InputShape& in = model.arch.input;
  SetTensorType(*graph.add_input(), "input", {in.channels, in.height, in.width});
  OnnxGraphBuilder b(graph);
  b.SetCurrent("input");
  // Standardisation constants shaped C x 1 x 1 (broadcast over N, H, W). OpenCV 4.6's importer
  // refuses an Add/Sub constant shaped 1 x C x 1 x 1 (shape_utils.hpp "Assertion failed ... in
  // function 'total'") and accepts C x 1 x 1, which is the same ONNX (multidirectional
  // broadcasting); tests/nn/export_test.cpp loads the file in OpenCV.
  const auto c = static_cast<std::int64_t>(model.mean.size());
  b.Node("Sub", {b.Initializer("mean", torch::tensor(model.mean).reshape({c, 1, 1}))});
  b.Node("Div", {b.Initializer("std", torch::tensor(model.std).reshape({c, 1, 1}))});
  const auto layers = model.module->children();
  for (std::size_t i = 0; i < layers.size(); ++i) b.AddLayer(layers[i], i);
  graph.mutable_node(graph.node_size() - 1)->set_output(0, "logits");
  SetTensorType(*graph.add_output(), "logits", {model.arch.classes});
  std::ofstream out(path, std::ios::binary);
  if (!out || !proto.SerializeToOstream(&out)) {
    throw ConfigError(fmt::format("cannot write the ONNX file '{}'", path), {path, 0, 0});
  }
  out.close();
  ExportSummary s;
  s.file_bytes = static_cast<std::int64_t>(proto.ByteSizeLong());
  s.params = CountParameters(*model.module);
  s.details = fmt::format("opset {}, {} nodes", kOnnxOpset, graph.node_size());
  return s;
}

}  // namespace symnas::nn

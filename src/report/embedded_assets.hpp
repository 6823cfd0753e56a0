// The web assets, embedded at build time: src/report/CMakeLists.txt writes embedded_assets.cpp.
#pragma once

#include <string_view>

namespace symnas::report {

/// src/report/web/index.html, app.js, app.css and third_party/chart.js/chart.umd.min.js.
extern const std::string_view kIndexHtml;
extern const std::string_view kAppJs;
extern const std::string_view kAppCss;
extern const std::string_view kChartJs;

}  // namespace symnas::report

// 一案一档: a case's file as one HTML page with its attachments (export_case_file in cases.hpp).
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "sitmap/core/error.hpp"
#include "sitmap/services/cases.hpp"

namespace sitmap::services {

namespace {

std::string html(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error(ErrorKind::BadInput, path.string() + ": cannot write");
}

}  // namespace

std::vector<std::filesystem::path> export_case_file(const Workspace& ws, std::string_view ref,
                                                    const std::filesystem::path& folder) {
  CaseFile f = case_file(ws, ref);
  std::error_code ec;
  if (std::filesystem::exists(folder) && !std::filesystem::is_empty(folder, ec))
    throw Error(ErrorKind::BadInput, folder.string() + ": not empty; give a new or empty folder");
  std::filesystem::create_directories(folder, ec);
  if (ec) throw Error(ErrorKind::NotFound, folder.string() + ": cannot create: " + ec.message());
  const Case& c = f.file;
  std::vector<std::filesystem::path> written;
  std::set<std::string> names;
  std::string rows;
  auto row = [&](const char* name, const std::string& value) {
    rows += "<tr><th>" + std::string(name) + "</th><td>" + html(value.empty() ? "—" : value) + "</td></tr>\n";
  };
  row("案件编号", c.number);
  row("状态", c.status);
  row("渠道", c.channel);
  row("类别", c.category);
  row("受理时间", c.received_at);
  row("门牌地址", c.address);
  row("网格", c.block_no ? std::to_string(c.block_no) : "");
  row("事项", c.description);
  row("接待室", c.room);
  row("责任部门", c.department);
  row("办理期限", c.deadline);
  row("办理结果", c.result);
  row("回访情况", c.visit);
  if (c.reporter) row("反映人", c.reporter->name + " " + c.reporter->phone);
  else if (c.has_reporter) row("反映人", "（个人信息，受限）");
  std::string timeline;
  for (auto& e : f.events) {
    std::string item = html(e.at) + " <b>" + html(e.kind) + "</b> " + html(e.user);
    if (!e.note.empty()) item += " · " + html(e.note);
    auto data = nlohmann::json::parse(e.data, nullptr, false);
    if (e.kind == "附件" && data.is_object()) {
      std::string hash = data.value("attachment", ""), name = data.value("name", "attachment");
      if (auto a = ws.store().attachment(hash)) {
        std::string file = names.insert(name).second ? name : hash.substr(0, 8) + "-" + name;
        names.insert(file);
        write_file(folder / file, std::string_view(reinterpret_cast<const char*>(a->bytes.data()), a->bytes.size()));
        written.push_back(folder / file);
        item += " · <a href=\"" + html(file) + "\">" + html(file) + "</a> (SHA-256 " + hash + ")";
      }
    }
    timeline += "<li>" + item + "</li>\n";
  }
  std::string page = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>案卷 " + html(c.number) +
                     "</title><style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:1em;"
                     "color:#555}td,th{padding:.2em .5em}</style></head><body>\n<h1>案卷 " + html(c.number) +
                     "</h1>\n<table>\n" + rows + "</table>\n<h2>办理过程</h2>\n<ol>\n" + timeline + "</ol>\n</body></html>\n";
  write_file(folder / "index.html", page);
  written.insert(written.begin(), folder / "index.html");
  return written;
}

}  // namespace sitmap::services

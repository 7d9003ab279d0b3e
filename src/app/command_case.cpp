// `sitmap case add|assign|update|close|visit|show|list|supervise|attach|attachment DB ...`: cases from reception to
// archive (#14) through services/cases.hpp, as the window's 受理 workspace runs them. Writing sub-commands need
// --user of a duty officer (password from SITMAP_PASSWORD or a prompt); reporters are shown only to them.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/cases.hpp"

namespace sitmap::app {
namespace {

using nlohmann::json;

struct Args {
  std::string db, user, ref, file, out, media_type = "application/octet-stream";
  services::NewCase add;
  std::string reporter, phone, at_lonlat;
  services::CaseChange change;
  std::string status;
  bool send_back = false, supervise = false, archive = false, json = false, overdue = false;
  services::CaseFilter filter;
  int64_t block = 0;
  std::string now;
};

json case_json(const services::Case& c) {
  json j = {{"id", c.id}, {"number", c.number}, {"channel", c.channel}, {"category", c.category},
            {"status", c.status}, {"received_at", c.received_at}, {"deadline", c.deadline},
            {"address", c.address}, {"block_no", c.block_no}, {"room", c.room}, {"department", c.department},
            {"description", c.description}, {"result", c.result}, {"visit", c.visit},
            {"closed_at", c.closed_at}, {"visited_at", c.visited_at}, {"archived_at", c.archived_at},
            {"supervisions", c.supervisions}, {"returns", c.returns}, {"origin", c.origin},
            {"overdue", c.overdue(services::local_now())}};
  if (std::isfinite(c.lon)) j["lon"] = c.lon, j["lat"] = c.lat;
  if (c.reporter) j["reporter"] = {{"name", c.reporter->name}, {"phone", c.reporter->phone}};
  return j;
}

void print_case(const services::Case& c, bool as_json) {
  if (as_json) {
    std::printf("%s\n", case_json(c).dump(2).c_str());
    return;
  }
  std::printf("%s  %s  %s  %s  block %lld  %s  deadline %s%s\n", c.number.c_str(), c.status.c_str(), c.category.c_str(),
              c.address.c_str(), static_cast<long long>(c.block_no), c.department.empty() ? "—" : c.department.c_str(),
              c.deadline.c_str(), c.overdue(services::local_now()) ? "  逾期" : "");
}

void print_cases(const std::vector<services::Case>& cases, bool as_json, const char* what) {
  if (as_json) {
    json out = json::array();
    for (auto& c : cases) out.push_back(case_json(c));
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  for (auto& c : cases) print_case(c, false);
  std::printf("%zu %s\n", cases.size(), what);
}

// --now: the time that decides overdue; now when not given.
int64_t now_option(const std::string& text) {
  if (text.empty()) return services::local_now();
  auto t = parse_iso_time(text);
  if (!t) throw Error(ErrorKind::BadInput, "--now: '" + text + "' is not a time");
  return *t;
}

std::unique_ptr<services::Workspace> open(const Args& a) {
  auto ws = services::Workspace::open(a.db, store::OpenMode::ReadWrite);
  sign_in_if_asked(*ws, a.user);
  return ws;
}

CLI::App* common(CLI::App* cmd, Args& a, bool with_case) {
  cmd->add_option("DB", a.db, "workspace database")->required();
  if (with_case) cmd->add_option("CASE", a.change.ref, "case number (2026-000123) or id")->required();
  cmd->add_option("--user", a.user, "signed-in duty officer (password from SITMAP_PASSWORD or a prompt)");
  cmd->add_flag("--json", a.json, "print JSON");
  return cmd;
}

void change_fields(CLI::App* cmd, Args& a) {
  cmd->add_option("--note", a.change.note, "note of the event");
  cmd->add_option("--at", a.change.at, "time of the event (default now), e.g. 2026-04-20T10:25");
}

CommandRegistrar reg("case", [](CLI::App& top) {
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("case", "cases from reception to archive / 案件受理、督办、回访");
  cmd->require_subcommand(1);

  auto* add = common(cmd->add_subcommand("add", "receive a case (受理); prints its number"), *a, false);
  add->add_option("--channel", a->add.channel, "来访|来信|来电|网格上报|市网格中心派单")->required();
  add->add_option("--category", a->add.category, "矛盾纠纷|群租|消防隐患|治安|信访|法律咨询|其他")->required();
  add->add_option("--address", a->add.address, "door plate (门牌), e.g. 思南路 82 弄 1 号");
  add->add_option("--lonlat", a->at_lonlat, "location instead of an address: LON,LAT (the nearest door plate names it)");
  add->add_option("--reporter", a->reporter, "reporter's name (personal data)");
  add->add_option("--phone", a->phone, "reporter's phone (personal data)");
  add->add_option("--description", a->add.description, "what the case is about");
  add->add_option("--room", a->add.room, "信访接待|司法调解|综合接待");
  add->add_option("--department", a->add.department, "department that must act");
  add->add_option("--received-at", a->add.received_at, "time of reception (default now)");
  add->add_option("--deadline", a->add.deadline, "deadline (default: the category's days from reception)");
  add->add_option("--note", a->add.note, "note of the reception");
  add->callback([a] {
    auto& req = a->add;
    if (!a->reporter.empty() || !a->phone.empty()) req.reporter = services::CaseReporter{a->reporter, a->phone};
    if (!a->at_lonlat.empty()) {
      double lon = 0, lat = 0;
      if (std::sscanf(a->at_lonlat.c_str(), "%lf,%lf", &lon, &lat) != 2)
        throw Error(ErrorKind::BadInput, "--lonlat: '" + a->at_lonlat + "' is not LON,LAT");
      req.location = XY{lon, lat};
    }
    auto ws = open(*a);
    auto r = services::add_case(*ws, req);
    if (a->json) {
      json j = case_json(r.added);
      j["duplicates"] = json::array();
      for (auto& d : r.duplicates) j["duplicates"].push_back(d.number);
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    print_case(r.added, false);
    for (auto& d : r.duplicates)
      std::printf("warning: possible duplicate of %s (%s, received %s)\n", d.number.c_str(), d.status.c_str(),
                  d.received_at.c_str());
  });

  auto run_change = [a](const std::string& kind) {
    auto ws = open(*a);
    a->change.kind = kind;
    std::vector<services::CaseChange> steps{a->change};
    if (a->archive) {
      services::CaseChange archive;
      archive.ref = a->change.ref;
      archive.kind = "归档";
      archive.at = a->change.at;
      steps.push_back(archive);
    }
    print_case(services::change_cases(*ws, steps).back(), a->json);
  };

  auto* assign = common(cmd->add_subcommand("assign", "route a case to a department (分流)"), *a, true);
  assign->add_option("--department", a->change.department, "department that must act")->required();
  assign->add_option("--room", a->change.room, "信访接待|司法调解|综合接待");
  assign->add_option("--deadline", a->change.deadline, "a new deadline");
  change_fields(assign, *a);
  assign->callback([run_change] { run_change("分流"); });

  auto* update = common(cmd->add_subcommand("update", "change a case: its fields (修改), a step, 退回 or 督办"), *a, true);
  update->add_option("--status", a->status, "move to 办理中|办结|回访|归档 (分流: use assign)");
  update->add_flag("--return", a->send_back, "send it back (退回)");
  update->add_flag("--supervise", a->supervise, "supervise it (督办)");
  update->add_option("--department", a->change.department, "department");
  update->add_option("--room", a->change.room, "room");
  update->add_option("--deadline", a->change.deadline, "deadline");
  update->add_option("--description", a->change.description, "description");
  update->add_option("--result", a->change.result, "result (with --status 办结 or 回访)");
  change_fields(update, *a);
  update->callback([a, run_change] {
    if (int(!a->status.empty()) + int(a->send_back) + int(a->supervise) > 1)
      throw Error(ErrorKind::BadInput, "--status, --return and --supervise: give one");
    run_change(!a->status.empty() ? a->status : a->send_back ? "退回" : a->supervise ? "督办" : "修改");
  });

  auto* close = common(cmd->add_subcommand("close", "close a case (办结) with its result"), *a, true);
  close->add_option("--result", a->change.result, "what was done")->required();
  change_fields(close, *a);
  close->callback([run_change] { run_change("办结"); });

  auto* visit = common(cmd->add_subcommand("visit", "record the follow-up visit (回访)"), *a, true);
  visit->add_option("--result", a->change.result, "what the parties said, e.g. 满意")->required();
  visit->add_flag("--archive", a->archive, "archive the case after the visit (归档)");
  change_fields(visit, *a);
  visit->callback([run_change] { run_change("回访"); });

  auto* show = common(cmd->add_subcommand("show", "a case's file: its state and every event (一案一档)"), *a, true);
  show->callback([a] {
    auto ws = open(*a);
    auto file = services::case_file(*ws, a->change.ref);
    if (a->json) {
      json j = case_json(file.file);
      j["events"] = json::array();
      for (auto& e : file.events)
        j["events"].push_back({{"seq", e.seq}, {"at", e.at}, {"user", e.user}, {"kind", e.kind},
                               {"data", json::parse(e.data, nullptr, false)}, {"note", e.note}});
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    print_case(file.file, false);
    if (file.file.reporter)
      std::printf("reporter: %s %s\n", file.file.reporter->name.c_str(), file.file.reporter->phone.c_str());
    for (auto& e : file.events)
      std::printf("  %s  %-6s %-10s %s %s\n", e.at.c_str(), e.kind.c_str(), e.user.c_str(), e.note.c_str(),
                  e.data == "{}" ? "" : e.data.c_str());
  });

  auto* list = common(cmd->add_subcommand("list", "list cases; --overdue for the supervision list (督办)"), *a, false);
  list->add_option("--status", a->filter.status, "受理|分流|办理中|办结|回访|归档");
  list->add_option("--category", a->filter.category, "category");
  list->add_option("--department", a->filter.department, "department");
  list->add_option("--block", a->block, "grid block number");
  list->add_flag("--overdue", a->filter.overdue, "open cases past their deadline");
  list->add_option("--now", a->now, "the time that decides overdue (default now)");
  list->callback([a] {
    auto ws = open(*a);
    if (a->block) a->filter.block_no = a->block;
    a->filter.now = now_option(a->now);
    print_cases(services::list_cases(*ws, a->filter), a->json, "cases");
  });

  auto* supervise = common(cmd->add_subcommand("supervise", "督办 every overdue case (once per deadline)"), *a, false);
  supervise->add_option("--now", a->now, "the time that decides overdue (default now)");
  supervise->callback([a] {
    auto ws = open(*a);
    print_cases(services::supervise(*ws, now_option(a->now)), a->json, "cases supervised (督办)");
  });

  auto* attach = common(cmd->add_subcommand("attach", "store a file with a case (photo, letter, PDF)"), *a, true);
  attach->add_option("FILE", a->file, "file to attach")->required()->check(CLI::ExistingFile);
  attach->add_option("--type", a->media_type, "media type, e.g. image/jpeg, application/pdf")->capture_default_str();
  attach->callback([a] {
    auto ws = open(*a);
    std::printf("%s\n", services::attach(*ws, a->change.ref, a->file, a->media_type).c_str());
  });

  auto* dossier = common(cmd->add_subcommand("export", "write a case's file (一案一档): index.html and its attachments"),
                         *a, true);
  dossier->add_option("--out", a->out, "a new or empty folder")->required();
  dossier->callback([a] {
    auto ws = open(*a);
    for (auto& f : services::export_case_file(*ws, a->change.ref, a->out)) std::printf("%s\n", f.string().c_str());
  });

  auto* get = common(cmd->add_subcommand("attachment", "write an attachment, found by its SHA-256, to a file"), *a, false);
  get->add_option("SHA256", a->ref, "the attachment's hash")->required();
  get->add_option("--out", a->out, "file to write")->required();
  get->callback([a] {
    auto ws = open(*a);
    auto att = services::attachment(*ws, a->ref);
    std::ofstream out(a->out, std::ios::binary);
    out.write(reinterpret_cast<const char*>(att.bytes.data()), static_cast<std::streamsize>(att.bytes.size()));
    if (!out) throw Error(ErrorKind::BadInput, a->out + ": cannot write");
    std::printf("%s (%s, %zu bytes) written to %s\n", att.name.c_str(), att.media_type.c_str(), att.bytes.size(),
                a->out.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app

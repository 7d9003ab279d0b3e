#include "sitmap/ui/cases_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string.h>

#include "sitmap/access/policy.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::ui {

namespace {

const char* kText =
    "受理登记 案件列表 督办 案卷 渠道 类别 门牌地址 接待室 责任部门 反映人 电话 事项 保存并发号 已受理 案件编号 "
    "点击地图定位 已定位 可能重复 同一门牌同类事项 30 天内已受理 状态 全部 网格 仅逾期 逾期 编号 地址 期限 "
    "时间 事件 经办 备注 尚无案件 请选择案件 需以值班员身份登录 个人信息 受限 督办次数 退回次数 办结 回访 归档 "
    "市网格中心派单 新增 冲突 ：共 件 每百户在办案件 未找到门牌 最接近 条 选择 打开 网格: () 密码 确认本人密码以加密保存反映人信息 密码不正确或账户无权查看反映人信息，未保存";

ImVec4 rgba(uint32_t hex, float a = 1) {
  return {((hex >> 16) & 255) / 255.f, ((hex >> 8) & 255) / 255.f, (hex & 255) / 255.f, a};
}

ImVec4 status_color(const services::Case& c, int64_t now) {
  if (c.overdue(now)) return rgba(0xef4444);
  if (c.status == "受理") return rgba(0xf59e0b);
  if (c.status == "分流") return rgba(0x38bdf8);
  if (c.status == "办理中") return rgba(0x3b82f6);
  return rgba(0x94a3b8);
}

// A combo over `items` with a leading "全部" when `any`; index 0 is 全部 then.
bool combo(const char* label, int& index, const std::vector<std::string>& items, bool any) {
  std::vector<const char*> names;
  if (any) names.push_back("全部");
  for (auto& s : items) names.push_back(s.c_str());
  return ImGui::Combo(label, &index, names.data(), int(names.size()));
}

// "2026-04-20T10:25:00" as the window writes times: "2026-04-20 10:25".
std::string shown(const std::string& iso) {
  std::string out = iso.substr(0, 16);
  if (out.size() > 10) out[10] = ' ';
  return out;
}

template <size_t N>
void set(std::array<char, N>& buffer, const std::string& text) {
  std::snprintf(buffer.data(), N, "%s", text.c_str());
}

}  // namespace

void CasesView::load(const services::Workspace& ws, int64_t now) {
  now_ = now;
  services::CaseFilter all;
  all.now = now;
  cases_ = services::list_cases(ws, all);
  if (file_.file.id) file_ = services::case_file(ws, file_.file.number);
}

std::string CasesView::glyph_text() const {
  std::string out = kText;
  for (auto* list : {&services::kCaseChannels, &services::kCaseCategories, &services::kCaseRooms,
                     &services::kCaseStatuses})
    for (auto& s : *list) out += s;
  for (auto& c : cases_) {
    out += c.address + c.description + c.department + c.result + c.visit;
    if (c.reporter) out += c.reporter->name;
  }
  for (auto& e : file_.events) out += e.note + e.user + e.kind;
  for (auto& p : candidates_) out += p.address;
  return out + message_ + located_ + exchange_;
}

void CasesView::show(Tab tab, const std::string& number) {
  tab_ = tab;
  if (!number.empty())
    for (auto& c : cases_)
      if (c.number == number) file_.file = c;
}

void CasesView::map_click(const services::Workspace& ws, XY lonlat) {
  try {
    auto plate = services::nearest_door_plate(ws, lonlat);
    location_ = XY{plate.lon, plate.lat};
    set(address, plate.address);
    last_query_ = plate.address;
    located_ = plate.address;
    candidates_.clear();
    duplicates_ = services::duplicates(ws, plate.address, services::kCaseCategories[size_t(category)], now_);
  } catch (const Error& e) {
    message_ = e.what();
  }
}

void CasesView::refresh_candidates(const services::Workspace& ws) {
  if (last_query_ == address.data()) return;
  last_query_ = address.data();
  location_.reset();
  located_.clear();
  candidates_ = last_query_.empty() ? std::vector<services::DoorPlate>{} : services::address_candidates(ws, last_query_, 6);
  if (!candidates_.empty() && services::normalise_address(candidates_[0].address) ==
                                  services::normalise_address(last_query_))
    located_ = candidates_[0].address;
  duplicates_ = located_.empty() ? std::vector<services::Case>{}
                                 : services::duplicates(ws, located_, services::kCaseCategories[size_t(category)], now_);
}

void CasesView::pick_up_orders(services::Workspace& ws, const std::filesystem::path& database) {
  namespace fs = std::filesystem;
  fs::path inbox = database.parent_path() / "exchange" / "inbox";
  std::error_code ec;
  if (!access::has(ws.principal(), access::Permission::HandleCases) || !fs::is_directory(inbox, ec)) return;
  std::vector<fs::path> files;
  for (auto& entry : fs::directory_iterator(inbox, ec))
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (auto& file : files) {
    // Done or refused, the file leaves the inbox so that it is read once; a refused one keeps its name in failed/.
    fs::path to = database.parent_path() / "exchange" / "done";
    try {
      services::Workspace writable(store::open_spatialite(database, store::OpenMode::ReadWrite), ws.principal(),
                                   ws.data_key());
      auto r = services::import_exchange(writable, file);
      exchange_ = "市网格中心派单 " + file.filename().string() + "：新增 " + std::to_string(r.created) + " 件，冲突 " +
                  std::to_string(r.conflicts.size()) + " 件";
    } catch (const Error& e) {
      to = database.parent_path() / "exchange" / "failed";
      exchange_ = e.what();
    }
    fs::create_directories(to, ec);
    fs::rename(file, to / file.filename(), ec);
  }
  if (!files.empty()) load(ws, services::local_now());
}

void CasesView::draw(services::Workspace& ws, const std::filesystem::path& database, float x, float y, float w,
                     float h, float scale) {
  // The exchange folder beside the database, looked at whenever the 受理 panel draws (at least each minute).
  if (double t = ImGui::GetTime(); t - polled_ >= 5 || t < polled_) {
    polled_ = t;
    pick_up_orders(ws, database);
  }
  ImGui::SetNextWindowPos({x, y});
  ImGui::SetNextWindowSize({w, h});
  ImGui::Begin("受理##cases", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings);
  // Buttons rather than a tab bar: a case opened from a list shows its file and its tab in the same frame.
  const char* names[] = {"受理登记", "案件列表", "督办", "案卷"};
  for (int i = 0; i < 4; ++i) {
    if (i) ImGui::SameLine();
    if (ImGui::Selectable(names[i], int(tab_) == i, 0, {ImGui::CalcTextSize(names[i]).x + 12 * scale, 0}))
      tab_ = Tab(i);
  }
  ImGui::Separator();
  if (!exchange_.empty()) ImGui::TextWrapped("%s", exchange_.c_str());
  switch (tab_) {
    case Tab::Reception: reception(ws, database, scale); break;
    case Tab::List: {
      ImGui::SetNextItemWidth(110 * scale);
      combo("状态", status_, services::kCaseStatuses, true);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(120 * scale);
      combo("类别##filter", filter_category_, services::kCaseCategories, true);
      ImGui::SetNextItemWidth(110 * scale);
      ImGui::InputText("责任部门##filter", filter_department_.data(), filter_department_.size());
      ImGui::SameLine();
      ImGui::SetNextItemWidth(80 * scale);
      ImGui::InputInt("网格", &block_, 0);
      ImGui::SameLine();
      ImGui::Checkbox("仅逾期", &overdue_only_);
      std::vector<const services::Case*> rows;
      for (auto& c : cases_) {
        if (status_ && c.status != services::kCaseStatuses[size_t(status_ - 1)]) continue;
        if (filter_category_ && c.category != services::kCaseCategories[size_t(filter_category_ - 1)]) continue;
        if (filter_department_[0] && c.department != filter_department_.data()) continue;
        if (block_ && c.block_no != block_) continue;
        if (overdue_only_ && !c.overdue(now_)) continue;
        rows.push_back(&c);
      }
      std::reverse(rows.begin(), rows.end());  // the latest first
      case_table(rows, scale);
      break;
    }
    case Tab::Supervision: {
      std::vector<const services::Case*> rows;
      for (auto& c : cases_)
        if (c.overdue(now_)) rows.push_back(&c);
      std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->deadline < b->deadline; });
      ImGui::TextColored(rgba(0xef4444), "逾期 (督办)");
      ImGui::SameLine();
      case_table(rows, scale);
      break;
    }
    case Tab::File: file(scale); break;
  }
  if (file_.file.id && file_.events.empty()) file_ = services::case_file(ws, file_.file.number);
  ImGui::End();
}

void CasesView::reception(services::Workspace& ws, const std::filesystem::path& database, float scale) {
  float label = 72 * scale;
  auto row = [&](const char* name) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(name);
    ImGui::SameLine(label);
    ImGui::SetNextItemWidth(-1);
  };
  row("渠道");
  combo("##channel", channel, services::kCaseChannels, false);
  row("类别");
  if (combo("##category", category, services::kCaseCategories, false)) last_query_ = "\x01";  // re-check duplicates
  row("门牌地址");
  ImGui::InputTextWithHint("##address", "思南路 82 弄 1 号 · 或点击地图定位", address.data(), address.size());
  if (!location_) refresh_candidates(ws);
  if (!located_.empty()) {
    ImGui::SetCursorPosX(label);
    ImGui::TextColored(rgba(0x22c55e), "已定位 %s", located_.c_str());
  } else {
    std::string chosen;  // applied after the loop: refresh_candidates replaces the list it walks
    for (auto& p : candidates_) {
      ImGui::SetCursorPosX(label);
      if (ImGui::Selectable((p.address + "##plate").c_str())) chosen = p.address;
    }
    if (!chosen.empty()) {
      set(address, chosen);
      refresh_candidates(ws);
    }
  }
  if (!duplicates_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, rgba(0xf59e0b));
    ImGui::TextWrapped("可能重复：同一门牌同类事项 30 天内已受理 %s（%s）", duplicates_.back().number.c_str(),
                       duplicates_.back().status.c_str());
    ImGui::PopStyleColor();
  }
  row("接待室");
  combo("##room", room, services::kCaseRooms, false);
  row("责任部门");
  ImGui::InputText("##department", department.data(), department.size());
  row("反映人");
  ImGui::InputText("##reporter", reporter.data(), reporter.size());
  row("电话");
  ImGui::InputText("##phone", phone.data(), phone.size());
  row("事项");
  ImGui::InputTextMultiline("##description", description.data(), description.size(), {-1, 90 * scale});
  // The reporter is sealed under the data key, which the window's sign-in does not keep: the officer's
  // password opens their copy for this save only.
  bool need_key = !ws.data_key() && (reporter[0] || phone[0]);
  if (need_key) {
    row("密码");
    ImGui::InputTextWithHint("##key_password", "确认本人密码以加密保存反映人信息", password.data(), password.size(),
                             ImGuiInputTextFlags_Password);
  }
  ImGui::Spacing();
  if (ImGui::Button("保存并发号", {-1, 0})) {
    services::NewCase n;
    n.channel = services::kCaseChannels[size_t(channel)];
    n.category = services::kCaseCategories[size_t(category)];
    n.room = services::kCaseRooms[size_t(room)];
    n.address = address.data();
    n.location = location_;
    n.department = department.data();
    n.description = description.data();
    if (reporter[0] || phone[0]) n.reporter = services::CaseReporter{reporter.data(), phone.data()};
    try {
      // The window reads through a read-only handle; the save opens its own, as the signed-in principal.
      services::Workspace writable(store::open_spatialite(database, store::OpenMode::ReadWrite), ws.principal(),
                                   ws.data_key());
      if (need_key) writable.sign_in(ws.principal().user, password.data());
      explicit_bzero(password.data(), password.size());
      auto added = services::add_case(writable, n);
      saved_ = added.added.number;
      message_.clear();
      for (auto* buffer : {&reporter, &phone, &description}) buffer->fill(0);
      load(ws, now_);
    } catch (const Error& e) {
      explicit_bzero(password.data(), password.size());
      message_ = e.kind() != ErrorKind::Denied ? std::string(e.what())
                 : need_key                   ? std::string("密码不正确或账户无权查看反映人信息，未保存")
                                              : std::string("需以值班员身份登录");
      saved_.clear();
    }
  }
  if (!saved_.empty()) {
    ImGui::PushFont(ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr);
    ImGui::TextColored(rgba(0x22c55e), "已受理  案件编号 %s", saved_.c_str());
    ImGui::PopFont();
  }
  if (!message_.empty()) ImGui::TextColored(rgba(0xef4444), "%s", message_.c_str());
}

void CasesView::case_table(const std::vector<const services::Case*>& rows, float scale) {
  ImGui::Text("共 %zu 件", rows.size());
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH |
                          ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##cases_table", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("编号", ImGuiTableColumnFlags_WidthFixed, 100 * scale);
  ImGui::TableSetupColumn("状态", ImGuiTableColumnFlags_WidthFixed, 52 * scale);
  ImGui::TableSetupColumn("类别", ImGuiTableColumnFlags_WidthFixed, 68 * scale);
  ImGui::TableSetupColumn("地址");
  ImGui::TableSetupColumn("期限", ImGuiTableColumnFlags_WidthFixed, 84 * scale);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(int(rows.size()));
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const services::Case& c = *rows[size_t(i)];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (ImGui::Selectable((c.number + "##row").c_str(), file_.file.id == c.id, ImGuiSelectableFlags_SpanAllColumns)) {
        file_ = {c, {}};
        show(Tab::File);
      }
      ImGui::TableNextColumn();
      ImGui::TextColored(status_color(c, now_), "%s", c.status.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(c.category.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(c.address.c_str());
      ImGui::TableNextColumn();
      if (c.overdue(now_))
        ImGui::TextColored(rgba(0xef4444), "%s", c.deadline.substr(0, 10).c_str());
      else
        ImGui::TextUnformatted(c.deadline.substr(0, 10).c_str());
    }
  ImGui::EndTable();
}

void CasesView::file(float scale) {
  const services::Case& c = file_.file;
  if (!c.id) {
    ImGui::TextDisabled("请选择案件");
    return;
  }
  ImGui::PushFont(ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr);
  ImGui::TextUnformatted(c.number.c_str());
  ImGui::SameLine();
  ImGui::TextColored(status_color(c, now_), "%s%s", c.status.c_str(), c.overdue(now_) ? " · 逾期" : "");
  ImGui::PopFont();
  auto field = [&](const char* name, const std::string& value) {
    ImGui::TextDisabled("%s", name);
    ImGui::SameLine(72 * scale);
    ImGui::TextWrapped("%s", value.empty() ? "—" : value.c_str());
  };
  field("类别", c.category + " · " + c.channel);
  field("门牌地址", c.address + (c.block_no ? "（网格 " + std::to_string(c.block_no) + "）" : std::string()));
  field("事项", c.description);
  field("接待室", c.room);
  field("责任部门", c.department);
  field("期限", shown(c.deadline));
  if (c.reporter)
    field("反映人", c.reporter->name + " " + c.reporter->phone);
  else if (c.has_reporter)
    field("反映人", "个人信息 受限");
  if (c.supervisions) field("督办次数", std::to_string(c.supervisions));
  if (!c.result.empty()) field("办结", c.result);
  if (!c.visit.empty()) field("回访", c.visit);
  ImGui::Separator();
  // The timeline: every event as it was appended, the latest last.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (auto& e : file_.events) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImVec4 dot = e.kind == "督办" || e.kind == "退回" ? rgba(0xef4444) : rgba(0x38bdf8);
    dl->AddCircleFilled({p.x + 6 * scale, p.y + ImGui::GetTextLineHeight() / 2}, 4 * scale,
                        ImGui::ColorConvertFloat4ToU32(dot));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 16 * scale);
    ImGui::TextDisabled("%s", shown(e.at).c_str());
    ImGui::SameLine();
    ImGui::TextColored(dot, "%s", e.kind.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s", e.user.c_str());
    if (!e.note.empty()) {
      ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 16 * scale);
      ImGui::TextWrapped("%s", e.note.c_str());
    }
  }
}

void CasesView::draw_map(ImDrawList* dl, const render::Camera& camera, float map_x, float map_y, float scale) const {
  for (auto& c : cases_) {
    if (!c.open() || !std::isfinite(c.lon)) continue;
    XY s = camera.world_to_screen(geo::to_web_mercator(XY{c.lon, c.lat}));
    if (s.x < 0 || s.y < 0 || s.x > camera.width || s.y > camera.height) continue;
    ImVec2 p{map_x + float(s.x), map_y + float(s.y)};
    ImU32 fill = ImGui::ColorConvertFloat4ToU32(status_color(c, now_));
    dl->AddCircleFilled(p, (c.overdue(now_) ? 7 : 5) * scale, fill);
    dl->AddCircle(p, (c.overdue(now_) ? 7 : 5) * scale, IM_COL32(15, 23, 42, 220), 0, 1.5f * scale);
    if (c.id == file_.file.id) dl->AddCircle(p, 12 * scale, IM_COL32(255, 255, 255, 255), 0, 2 * scale);
  }
  // What the colours mean, in the map's top-left corner.
  ImVec2 o{map_x + 12 * scale, map_y + 12 * scale};
  float line = ImGui::GetTextLineHeight() + 4 * scale;
  dl->AddRectFilled(o, {o.x + 250 * scale, o.y + 5 * line + 8 * scale}, IM_COL32(11, 26, 46, 220), 4 * scale);
  ImU32 text = IM_COL32(226, 232, 240, 255);
  struct Entry {
    uint32_t color;
    const char* label;
  };
  const Entry entries[] = {{0xf59e0b, "受理"}, {0x38bdf8, "分流"}, {0x3b82f6, "办理中"}, {0xef4444, "逾期 (督办)"}};
  for (size_t i = 0; i < 4; ++i) {
    ImVec2 p{o.x + 14 * scale, o.y + 4 * scale + line * (float(i) + 0.5f)};
    dl->AddCircleFilled(p, 5 * scale, ImGui::ColorConvertFloat4ToU32(rgba(entries[i].color)));
    dl->AddText({p.x + 12 * scale, p.y - line / 2 + 2 * scale}, text, entries[i].label);
  }
  ImVec2 ramp{o.x + 8 * scale, o.y + 4 * scale + line * 4 + 2 * scale};
  dl->AddRectFilledMultiColor(ramp, {ramp.x + 60 * scale, ramp.y + line - 6 * scale}, IM_COL32(51, 64, 84, 160),
                              IM_COL32(245, 158, 10, 220), IM_COL32(245, 158, 10, 220), IM_COL32(51, 64, 84, 160));
  dl->AddText({ramp.x + 68 * scale, ramp.y - 1 * scale}, text, "网格: 每百户在办案件");
  if (location_) {
    XY s = camera.world_to_screen(geo::to_web_mercator(*location_));
    ImVec2 p{map_x + float(s.x), map_y + float(s.y)};
    dl->AddCircle(p, 10 * scale, IM_COL32(34, 197, 94, 255), 0, 3 * scale);
    dl->AddLine({p.x - 14 * scale, p.y}, {p.x + 14 * scale, p.y}, IM_COL32(34, 197, 94, 255), 2 * scale);
    dl->AddLine({p.x, p.y - 14 * scale}, {p.x, p.y + 14 * scale}, IM_COL32(34, 197, 94, 255), 2 * scale);
  }
}

std::shared_ptr<const std::vector<style::Color>> CasesView::block_colors(const services::Workspace& ws) const {
  auto load = services::block_workload(ws);
  double top = 0;
  for (double v : load.per_100_households)
    if (std::isfinite(v)) top = std::max(top, v);
  auto out = std::make_shared<std::vector<style::Color>>();
  style::Color none{0.2f, 0.25f, 0.33f, 0.25f}, most{0.96f, 0.62f, 0.04f, 0.75f};
  for (double v : load.per_100_households)
    out->push_back(std::isfinite(v) && top > 0 && v > 0 ? style::mix(none, most, float(v / top)) : none);
  return out;
}

}  // namespace sitmap::ui

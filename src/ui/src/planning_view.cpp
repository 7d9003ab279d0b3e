#include "sitmap/ui/planning_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <cmath>
#include <cstdio>

#include "sitmap/analysis/zonal.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::ui {

namespace {

constexpr const char* kText =
    "规划方案已发布草稿被替代新建方案名称对比已发布网格在以内户数偏差门牌面积紧凑度拆分小区问题重叠缝隙越界无效几何"
    "未执行不能移到这里撤销重做分割合并改线新增选择发布自动均衡穿过所选从两共用边界上一到另逐画新取消进度吸附顶点边道路轮廓偏少略少均衡略多偏多需要规划员权限有问题不能只读"
    "点击地图画线回车完成单击相邻另一个拖动移动共个户米平方紧凑变更迁出迁入涉及组长确认的无";

ImU32 color(uint32_t rgb, int alpha) {
  return IM_COL32((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, alpha);
}

ImVec2 to_screen(const render::Camera& camera, float map_x, float map_y, XY lonlat) {
  XY s = camera.world_to_screen(geo::to_web_mercator(lonlat));
  return {map_x + float(s.x), map_y + float(s.y)};
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int deviation_class(double d) {
  if (d < -0.10) return 0;
  if (d < -0.05) return 1;
  if (d <= 0.05) return 2;
  if (d <= 0.10) return 3;
  return 4;
}

uint32_t deviation_color(int cls) {
  static const uint32_t colors[] = {0x2563eb, 0x7dd3fc, 0x94a3b8, 0xfdba74, 0xdc2626};
  return colors[std::clamp(cls, 0, 4)];
}

const char* deviation_label(int cls) {
  static const char* labels[] = {"偏少 (< -10%)", "略少 (-10%~-5%)", "均衡 (±5%)", "略多 (5%~10%)", "偏多 (> +10%)"};
  return labels[std::clamp(cls, 0, 4)];
}

void PlanningView::load(const std::filesystem::path& database, const access::Principal& who, const std::string& plan) {
  database_ = database;
  who_ = who;
  message_.clear();
  session_.reset();
  try {
    ws_ = services::Workspace::open(database, store::OpenMode::ReadWrite, who);
  } catch (const Error&) {
    ws_ = services::Workspace::open(database, store::OpenMode::ReadOnly, who);  // a read-only file: view only
  }
  published_ = services::layer_blocks(*ws_);
  select_plan(plan);
}

void PlanningView::select_plan(std::string plan) {
  if (!ws_) return;
  plan_ = plan;
  session_.reset();
  tool_ = Tool::Select;
  line_.clear();
  message_.clear();
  plans_ = services::list_plans(*ws_);
  glyphs_changed_ = true;
  if (!plan.empty()) {
    auto info = services::find_plan(*ws_, plan);
    if (info && info->status == "draft" && access::has(ws_->principal(), access::Permission::EditBlocks)) {
      try {
        session_ = std::make_unique<services::PlanSession>(*ws_, plan);
      } catch (const Error& e) {
        message_ = e.what();
      }
    }
  }
  refresh();
}

void PlanningView::refresh() {
  if (!ws_) return;
  if (session_) {
    const auto& ed = session_->editor();
    blocks_ = ed.topology().blocks();
    metrics_ = ed.metrics();
    summary_ = ed.summary();
    problems_ = session_->problems();
  } else {
    auto r = services::validate(*ws_, {"blocks", plan_});
    blocks_ = plan_.empty() ? services::layer_blocks(*ws_) : services::plan_blocks(*ws_, plan_);
    metrics_ = r.metrics;
    summary_ = r.summary;
    problems_ = r.problems;
  }
  diff_.reset();
  if (show_diff_ && !plan_.empty()) diff_ = services::diff_plan(*ws_, plan_);
  fills_.assign(blocks_.size(), {});
  label_at_.clear();
  for (size_t i = 0; i < blocks_.size(); ++i) {
    for (auto& p : blocks_[i].polygon.polygons) render::tessellate(p.rings, fills_[i]);
    label_at_.push_back(blocks_[i].polygon.is_empty() ? XY{} : geo::point_on_surface(blocks_[i].polygon));
  }
}

void PlanningView::set_diff(bool on) {
  show_diff_ = on;
  refresh();
}

void PlanningView::edit(const std::function<std::vector<int>(analysis::BlockTopology&)>& fn) {
  if (!session_) return;
  try {
    session_->apply(fn);
    message_.clear();
  } catch (const Error& e) {
    message_ = std::string("未执行: ") + e.what();  // the reason names the blocks; the plan is as it was
  }
  refresh();
}

int PlanningView::block_at(XY lonlat) const {
  std::vector<Geometry> polys;
  for (auto& b : blocks_) polys.push_back(b.polygon);
  return analysis::PolygonLocator(polys).locate(lonlat);
}

void PlanningView::preview_drag(XY from, XY to) {
  if (!session_) throw Error(ErrorKind::Denied, "plan drag: the plan is not open for editing (a planner's draft)");
  const auto& topo = session_->editor().topology();
  int32_t v = topo.vertex_near(from, 5);
  if (v < 0) throw Error(ErrorKind::BadInput, "plan drag: no vertex of the plan within 5 m of the start");
  selected_ = topo.faces()[static_cast<size_t>(topo.faces_of_vertex(v).front())].block_no;
  hover_vertex_ = v;
  snap_ = topo.snap(to, 3, &session_->snap_targets(), v);
  session_->begin_drag(v);
  session_->drag_to(snap_->at);
  editor_figures();
}

void PlanningView::editor_figures() {
  const auto& ed = session_->editor();
  blocks_ = ed.topology().blocks();
  metrics_ = ed.metrics();
  summary_ = ed.summary();
  fills_.assign(blocks_.size(), {});
  for (size_t i = 0; i < blocks_.size(); ++i)
    for (auto& p : blocks_[i].polygon.polygons) render::tessellate(p.rings, fills_[i]);
}

std::optional<BBox> PlanningView::take_fly() { return std::exchange(fly_, std::nullopt); }

void PlanningView::poll_rebalance() {
  if (!rebalance_.valid() || rebalance_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  try {
    auto r = rebalance_.get();
    select_plan(r.plan.name);
    message_ = "自动均衡: " + std::to_string(r.moves) + " 个门牌迁移, " + std::to_string(r.after.within) + "/" +
               std::to_string(r.after.blocks) + " 个网格在 ±10% 以内";
  } catch (const Error& e) {
    message_ = e.kind() == ErrorKind::Cancelled ? "自动均衡已取消" : e.what();
  }
}

std::string PlanningView::glyph_text() const {
  std::string t = kText;
  for (auto& p : plans_) t += p.name;
  t += message_;
  for (int c = 0; c < 5; ++c) t += deviation_label(c);
  for (auto& b : blocks_) t += b.leader;
  return t;
}

void PlanningView::draw_panel(float x, float y, float w, float h, float scale) {
  poll_rebalance();
  ImGui::SetNextWindowPos({x, y});
  ImGui::SetNextWindowSize({w, h});
  ImGui::Begin("规划##planning", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoTitleBar);
  if (!ws_) {
    ImGui::TextUnformatted("无");
    ImGui::End();
    return;
  }
  // Plan selector.
  std::string current = plan_.empty() ? std::string("已发布") : plan_;
  ImGui::SetNextItemWidth(w - 16 * scale);
  if (ImGui::BeginCombo("##plan", current.c_str())) {
    if (ImGui::Selectable("已发布", plan_.empty())) select_plan("");
    for (auto& p : plans_) {
      std::string label = p.name + "  (" + (p.status == "draft" ? "草稿" : p.status == "published" ? "已发布" : "被替代") + ")";
      if (ImGui::Selectable(label.c_str(), p.name == plan_)) select_plan(p.name);
    }
    ImGui::EndCombo();
  }
  bool may_edit = access::has(ws_->principal(), access::Permission::EditBlocks);
  if (may_edit) {
    static char name[64] = "";
    ImGui::SetNextItemWidth(w - 120 * scale);
    ImGui::InputTextWithHint("##newplan", "名称", name, sizeof name);
    ImGui::SameLine();
    if (ImGui::Button("新建方案")) {
      try {
        services::new_plan(*ws_, {name, plan_});
        select_plan(name);
        name[0] = 0;
      } catch (const Error& e) {
        message_ = e.what();
      }
    }
  } else {
    ImGui::TextDisabled("编辑需要规划员权限");
  }
  // Summary and legend.
  ImGui::Separator();
  ImGui::Text("%lld / %lld 个网格在 ±10%% 以内", static_cast<long long>(summary_.within),
              static_cast<long long>(summary_.blocks));
  ImGui::Text("共 %lld 户 · 偏差最大 %.1f%%", static_cast<long long>(summary_.households), summary_.worst_deviation * 100);
  for (int c = 0; c < 5; ++c) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(p, {p.x + 14 * scale, p.y + 12 * scale}, color(deviation_color(c), 230));
    ImGui::Dummy({18 * scale, 12 * scale});
    ImGui::SameLine();
    ImGui::TextUnformatted(deviation_label(c));
  }
  // Tools.
  ImGui::Separator();
  ImGui::BeginDisabled(!session_);
  if (ImGui::RadioButton("选择", tool_ == Tool::Select)) tool_ = Tool::Select, line_.clear();
  ImGui::SameLine();
  if (ImGui::RadioButton("分割", tool_ == Tool::Split)) tool_ = Tool::Split, line_.clear();
  ImGui::SameLine();
  if (ImGui::RadioButton("合并", tool_ == Tool::Merge)) tool_ = Tool::Merge, line_.clear();
  ImGui::SameLine();
  if (ImGui::RadioButton("改线", tool_ == Tool::Reshape)) tool_ = Tool::Reshape, line_.clear();
  ImGui::SameLine();
  if (ImGui::RadioButton("新增", tool_ == Tool::Draw)) tool_ = Tool::Draw, line_.clear();
  ImGui::BeginDisabled(!session_ || !session_->editor().can_undo());
  if (ImGui::Button("撤销")) {
    session_->undo();
    refresh();
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!session_ || !session_->editor().can_redo());
  if (ImGui::Button("重做")) {
    session_->redo();
    refresh();
  }
  ImGui::EndDisabled();
  ImGui::EndDisabled();
  if (tool_ == Tool::Split) ImGui::TextDisabled("点击地图画线穿过所选网格, 回车完成");
  if (tool_ == Tool::Reshape) ImGui::TextDisabled("从两网格共用边界上一点画到另一点, 回车完成");
  if (tool_ == Tool::Draw) ImGui::TextDisabled("在缝隙中逐点画新网格, 回车完成");
  if (tool_ == Tool::Merge) ImGui::TextDisabled("单击相邻网格合并");
  if (ImGui::Checkbox("对比已发布", &show_diff_)) refresh();
  if (diff_)
    ImGui::Text("变更 %zu 个网格 · %zu 个门牌 %lld 户 · 涉及 %zu 位组长", diff_->blocks.size(), diff_->moves.size(),
                static_cast<long long>(diff_->households_moved), diff_->leaders_affected.size());
  // Publish, disabled with the reason.
  std::string why;
  if (plan_.empty()) why = "已发布";
  else if (auto it = std::find_if(plans_.begin(), plans_.end(), [&](auto& p) { return p.name == plan_; });
           it != plans_.end() && it->status != "draft")
    why = it->status == "published" ? "已发布" : "被替代";
  else if (!problems_.empty()) why = "有问题, 不能发布";
  else if (!access::has(ws_->principal(), access::Permission::PublishBlocks)) why = "需要规划员权限";
  ImGui::BeginDisabled(!why.empty());
  if (ImGui::Button("发布")) ImGui::OpenPopup("确认发布");
  ImGui::EndDisabled();
  if (!why.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", why.c_str());
  }
  if (ImGui::BeginPopupModal("确认发布", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("发布 %s ?", plan_.c_str());
    if (ImGui::Button("发布##ok")) {
      try {
        services::publish_plan(*ws_, plan_);
        published_ = services::layer_blocks(*ws_);
        select_plan(plan_);
      } catch (const Error& e) {
        message_ = e.what();
      }
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("取消")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  // Rebalance on a worker with its own handle on the file.
  ImGui::SameLine();
  if (rebalance_.valid()) {
    ImGui::ProgressBar(float(progress_->load()), {120 * scale, 0});
    ImGui::SameLine();
    if (ImGui::SmallButton("取消##rebalance")) cancel_->store(true);
  } else {
    ImGui::BeginDisabled(!may_edit);
    if (ImGui::Button("自动均衡")) {
      progress_ = std::make_shared<std::atomic<double>>(0);
      cancel_ = std::make_shared<std::atomic<bool>>(false);
      std::string from = plan_, name = (plan_.empty() ? std::string("已发布") : plan_) + "-均衡";
      for (int k = 2; services::find_plan(*ws_, name); ++k) name = (plan_.empty() ? std::string("已发布") : plan_) + "-均衡" + std::to_string(k);
      rebalance_ = std::async(std::launch::async, [db = database_, who = who_, from, name, p = progress_, c = cancel_] {
        auto ws = services::Workspace::open(db, store::OpenMode::ReadWrite, who);
        return services::rebalance(*ws, {from, name}, [p](double f) { p->store(f); }, c.get());
      });
    }
    ImGui::EndDisabled();
  }
  if (!message_.empty()) ImGui::TextWrapped("%s", message_.c_str());
  // Problems: a click zooms to one.
  ImGui::Separator();
  ImGui::Text("问题 %zu", problems_.size());
  if (ImGui::BeginChild("problems", {0, std::min(120 * scale, 24 * scale * float(problems_.size() + 1))})) {
    for (size_t i = 0; i < problems_.size(); ++i) {
      auto& p = problems_[i];
      std::string who;
      for (auto b : p.blocks) who += (who.empty() ? "" : ",") + std::to_string(b);
      std::string label = std::string(analysis::problem_type_title_zh(p.type)) + "  网格 " + who + "  " +
                          fmt("%.0f 平方米", p.area_m2) + "##p" + std::to_string(i);
      if (ImGui::Selectable(label.c_str())) {
        XY lo = geo::to_web_mercator({p.extent.minx, p.extent.miny}), hi = geo::to_web_mercator({p.extent.maxx, p.extent.maxy});
        double pad = std::max(40.0, (hi.x - lo.x) * 0.5);
        fly_ = BBox{lo.x - pad, lo.y - pad, hi.x + pad, hi.y + pad};
        if (!p.blocks.empty()) selected_ = p.blocks.front();
      }
    }
  }
  ImGui::EndChild();
  // Each block's figures.
  if (ImGui::BeginTable("blocks", 6, ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV,
                        {0, ImGui::GetContentRegionAvail().y})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : {"网格", "户数", "偏差", "门牌", "面积", "紧凑度"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < metrics_.size(); ++i) {
      const auto& m = metrics_[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      std::string id = std::to_string(m.block_no) + "##b" + std::to_string(i);
      if (ImGui::Selectable(id.c_str(), m.block_no == selected_, ImGuiSelectableFlags_SpanAllColumns)) {
        selected_ = m.block_no;
        BBox b = blocks_[i].polygon.bbox();
        XY lo = geo::to_web_mercator({b.minx, b.miny}), hi = geo::to_web_mercator({b.maxx, b.maxy});
        fly_ = BBox{lo.x - 80, lo.y - 80, hi.x + 80, hi.y + 80};
      }
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(m.households));
      ImGui::TableNextColumn();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color(deviation_color(deviation_class(m.deviation)), 255)),
                         "%+.1f%%", m.deviation * 100);
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(m.addresses));
      ImGui::TableNextColumn();
      ImGui::Text("%.0f", m.area_m2);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", m.compactness);
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

void PlanningView::draw_map(ImDrawList* dl, const render::Camera& camera, float map_x, float map_y, float scale) {
  if (!ws_) return;
  dl->PushClipRect({map_x, map_y}, {map_x + float(camera.width), map_y + float(camera.height)}, true);
  // Triangles of one block abut: anti-aliased edges would draw their seams.
  ImDrawListFlags flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (size_t i = 0; i < blocks_.size() && i < metrics_.size(); ++i) {
    ImU32 fill = color(deviation_color(deviation_class(metrics_[i].deviation)), 120);
    const auto& t = fills_[i];
    std::vector<ImVec2> pts;
    for (auto& v : t.vertices) pts.push_back(to_screen(camera, map_x, map_y, v));
    for (size_t k = 0; k + 2 < t.indices.size(); k += 3)
      dl->AddTriangleFilled(pts[t.indices[k]], pts[t.indices[k + 1]], pts[t.indices[k + 2]], fill);
  }
  auto outline = [&](const Geometry& g, ImU32 c, float width) {
    for (auto& p : g.polygons)
      for (auto& r : p.rings) {
        std::vector<ImVec2> pts;
        for (auto& v : r) pts.push_back(to_screen(camera, map_x, map_y, v));
        dl->AddPolyline(pts.data(), int(pts.size()), c, ImDrawFlags_Closed, width);
      }
  };
  dl->Flags = flags;
  for (auto& b : blocks_) outline(b.polygon, IM_COL32(255, 255, 255, 150), 1.0f * scale);
  if (camera.resolution() < 3)  // block numbers once they have room
    for (size_t i = 0; i < blocks_.size() && i < label_at_.size(); ++i) {
      std::string n = std::to_string(blocks_[i].block_no);
      ImVec2 p = to_screen(camera, map_x, map_y, label_at_[i]), size = ImGui::CalcTextSize(n.c_str());
      dl->AddText({p.x - size.x / 2 + 1, p.y - size.y / 2 + 1}, IM_COL32(11, 26, 46, 220), n.c_str());
      dl->AddText({p.x - size.x / 2, p.y - size.y / 2}, IM_COL32(241, 245, 249, 255), n.c_str());
    }
  if (diff_) {
    // The published boundaries of changed blocks, and the door plates that change block.
    std::set<int64_t> changed;
    for (auto& c : diff_->blocks) changed.insert(c.block_no);
    for (auto& b : published_)
      if (changed.count(b.block_no)) outline(b.polygon, IM_COL32(251, 191, 36, 230), 2.0f * scale);
    for (auto& m : diff_->moves) dl->AddCircleFilled(to_screen(camera, map_x, map_y, m.at), 3.5f * scale, IM_COL32(251, 191, 36, 255));
  }
  for (size_t i = 0; i < blocks_.size(); ++i)
    if (blocks_[i].block_no == selected_) {
      outline(blocks_[i].polygon, IM_COL32(34, 211, 238, 255), 3.0f * scale);
      if (session_) {
        const auto& topo = session_->editor().topology();
        int f = topo.face_index(selected_);
        if (f >= 0)
          for (int32_t v : topo.faces()[static_cast<size_t>(f)].ring) {
            ImVec2 p = to_screen(camera, map_x, map_y, topo.vertices()[static_cast<size_t>(v)]);
            float r = (v == hover_vertex_ ? 6.0f : 4.0f) * scale;
            dl->AddRectFilled({p.x - r, p.y - r}, {p.x + r, p.y + r}, IM_COL32(255, 255, 255, 255));
            dl->AddRect({p.x - r, p.y - r}, {p.x + r, p.y + r}, IM_COL32(8, 47, 73, 255), 0, 0, 1.5f * scale);
          }
      }
    }
  for (auto& p : problems_) {
    ImVec2 s = to_screen(camera, map_x, map_y, p.location);
    dl->AddCircle(s, 10 * scale, IM_COL32(239, 68, 68, 255), 0, 2.5f * scale);
    dl->AddText({s.x + 12 * scale, s.y - 8 * scale}, IM_COL32(254, 202, 202, 255), analysis::problem_type_title_zh(p.type));
  }
  if (!line_.empty()) {
    std::vector<ImVec2> pts;
    for (auto& v : line_) pts.push_back(to_screen(camera, map_x, map_y, v));
    pts.push_back(ImGui::GetIO().MousePos);
    dl->AddPolyline(pts.data(), int(pts.size()), IM_COL32(34, 211, 238, 255), 0, 2 * scale);
  }
  if (snap_ && snap_->kind != analysis::SnapKind::None) {
    ImVec2 s = to_screen(camera, map_x, map_y, snap_->at);
    dl->AddCircle(s, 9 * scale, IM_COL32(250, 204, 21, 255), 0, 2.5f * scale);
    const char* what = snap_->kind == analysis::SnapKind::Vertex ? "吸附: 顶点"
                       : snap_->kind == analysis::SnapKind::Edge ? "吸附: 边"
                                                                 : "吸附: 道路/轮廓";
    dl->AddText({s.x + 12 * scale, s.y + 4 * scale}, IM_COL32(253, 224, 71, 255), what);
  }
  // Live figures of the dragged vertex's blocks, beside the vertex.
  if (session_ && session_->editor().dragging()) {
    ImVec2 m = to_screen(camera, map_x, map_y, session_->editor().topology().vertices()[static_cast<size_t>(hover_vertex_)]);
    std::string text;
    const auto& ed = session_->editor();
    for (int f : ed.topology().faces_of_vertex(hover_vertex_)) {
      const auto& mt = ed.metrics()[static_cast<size_t>(f)];
      text += "网格 " + std::to_string(mt.block_no) + ": " + std::to_string(mt.households) + " 户 " + fmt("%+.1f%%", mt.deviation * 100) + "\n";
    }
    ImVec2 size = ImGui::CalcTextSize(text.c_str());
    ImVec2 o{m.x + 18 * scale, m.y + 18 * scale};
    dl->AddRectFilled({o.x - 6 * scale, o.y - 4 * scale}, {o.x + size.x + 6 * scale, o.y + size.y + 2 * scale}, IM_COL32(11, 26, 46, 230), 4 * scale);
    dl->AddText(o, IM_COL32(226, 232, 240, 255), text.c_str());
  }
  dl->PopClipRect();
}

bool PlanningView::map_input(const render::Camera& camera, XY mouse, float scale) {
  if (!ws_) return false;
  ImGuiIO& io = ImGui::GetIO();
  auto key = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), false); };
  if (session_ && io.KeyCtrl && key(ImGuiKey_Z) && session_->undo()) refresh();
  if (session_ && io.KeyCtrl && key(ImGuiKey_Y) && session_->redo()) refresh();
  XY world = camera.screen_to_world(mouse);
  XY lonlat = geo::from_web_mercator(world);
  // Snapping tolerance: 10 screen pixels in ground metres.
  double tolerance = 10 * scale * camera.resolution() * geo::mercator_scale(lonlat.y);
  if (key(ImGuiKey_Escape)) {
    if (session_ && session_->editor().dragging()) {
      session_->cancel_drag();
      refresh();
    }
    line_.clear();
    tool_ = Tool::Select;
    snap_.reset();
    return true;
  }
  if (!session_) return false;
  const auto& topo = session_->editor().topology();
  if (session_->editor().dragging()) {
    snap_ = topo.snap(lonlat, tolerance, &session_->snap_targets(), hover_vertex_);
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      try {
        session_->drag_to(snap_->at);
        message_.clear();
      } catch (const Error& e) {
        message_ = std::string("不能移到这里: ") + e.what();  // the vertex stays where it last could be
      }
      editor_figures();
    } else {
      session_->end_drag();
      snap_.reset();
      refresh();
    }
    return true;
  }
  if (tool_ == Tool::Split || tool_ == Tool::Reshape || tool_ == Tool::Draw) {
    snap_ = topo.snap(lonlat, tolerance, &session_->snap_targets());
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) line_.push_back(snap_->at);
    if (key(ImGuiKey_Enter) && line_.size() >= 2) {
      auto line = std::exchange(line_, {});
      int64_t block = selected_;
      if (tool_ == Tool::Split) edit([&](analysis::BlockTopology& t) { return t.split(block, line); });
      if (tool_ == Tool::Reshape) edit([&](analysis::BlockTopology& t) { return t.reshape(line); });
      if (tool_ == Tool::Draw) edit([&](analysis::BlockTopology& t) { return t.add_block(line, 0, ""); });
    }
    return true;
  }
  if (tool_ == Tool::Merge) {
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      int i = block_at(lonlat);
      if (i >= 0 && selected_ >= 0) {
        int64_t keep = selected_, other = blocks_[static_cast<size_t>(i)].block_no;
        edit([&](analysis::BlockTopology& t) { return t.merge(keep, other); });
        tool_ = Tool::Select;
      }
      return true;
    }
    return false;
  }
  // Select: a vertex of the selected block under the mouse starts a drag; a click elsewhere selects a block.
  hover_vertex_ = -1;
  int f = topo.face_index(selected_);
  if (f >= 0) {
    double best = 8 * scale;
    for (int32_t v : topo.faces()[static_cast<size_t>(f)].ring) {
      XY s = camera.world_to_screen(geo::to_web_mercator(topo.vertices()[static_cast<size_t>(v)]));
      double d = std::hypot(s.x - mouse.x, s.y - mouse.y);
      if (d < best) best = d, hover_vertex_ = v;
    }
  }
  if (hover_vertex_ >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    session_->begin_drag(hover_vertex_);
    return true;
  }
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 2).x == 0 &&
      ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 2).y == 0) {
    int i = block_at(lonlat);
    selected_ = i >= 0 ? blocks_[static_cast<size_t>(i)].block_no : -1;
    return true;
  }
  return hover_vertex_ >= 0;
}

}  // namespace sitmap::ui

#include "sitmap/services/planning.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "sitmap/access/audit.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/geos.hpp"

namespace sitmap::services {

namespace {

std::string sql_text(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string now_utc() { return format_iso_time(static_cast<int64_t>(std::time(nullptr))) + "Z"; }

Value text_or_null(const std::string& s) { return s.empty() ? Value{} : Value{s}; }

std::string text_of(const Feature& f, const LayerInfo& li, std::string_view field) {
  int i = li.field_index(field);
  return i < 0 ? std::string() : value_to_string(f.values[static_cast<size_t>(i)]);
}

int64_t int_of(const Feature& f, const LayerInfo& li, std::string_view field, int64_t fallback) {
  int i = li.field_index(field);
  if (i < 0) return fallback;
  const Value& v = f.values[static_cast<size_t>(i)];
  if (auto* n = std::get_if<int64_t>(&v)) return *n;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return fallback;
}

LayerInfo plans_layer() {
  LayerInfo li;
  li.name = kPlansLayer;
  li.title_zh = "规划方案";
  li.title_en = "Block plans";
  li.geom_type = GeomType::Point;  // rows without geometry
  li.source = "sitmap plan";
  for (const char* f : {"name", "status", "based_on", "created_at", "created_by", "published_at", "published_by"})
    li.fields.push_back({f, FieldType::Text});
  return li;
}

LayerInfo plan_blocks_layer() {
  LayerInfo li;
  li.name = kPlanBlocksLayer;
  li.title_zh = "方案网格";
  li.title_en = "Blocks of plans";
  li.geom_type = GeomType::Polygon;
  li.source = "sitmap plan";
  li.fields = {{"plan", FieldType::Text}, {"block_no", FieldType::Integer}, {"leader", FieldType::Text}};
  return li;
}

void ensure_plan_layers(store::Writer& w, const store::Store& s) {
  if (!s.find_layer(kPlansLayer)) w.create_layer(plans_layer());
  if (!s.find_layer(kPlanBlocksLayer)) w.create_layer(plan_blocks_layer());
}

PlanInfo plan_info(const Feature& f, const LayerInfo& li) {
  return {text_of(f, li, "name"),       text_of(f, li, "status"),       text_of(f, li, "based_on"),
          text_of(f, li, "created_at"), text_of(f, li, "created_by"),   text_of(f, li, "published_at"),
          text_of(f, li, "published_by"), 0};
}

std::optional<Feature> plan_row(const store::Store& s, std::string_view name) {
  if (!s.find_layer(kPlansLayer)) return std::nullopt;
  store::Query q;
  q.where = "name = " + sql_text(name);
  auto rows = s.features(kPlansLayer, q);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<Feature> plan_block_rows(const store::Store& s, std::string_view plan) {
  if (!s.find_layer(kPlanBlocksLayer)) return {};
  store::Query q;
  q.where = "plan = " + sql_text(plan);
  return s.features(kPlanBlocksLayer, q);
}

Geometry as_polygon(Geometry g) {
  if (g.type == GeomType::MultiPolygon && g.polygons.size() == 1) g.type = GeomType::Polygon;
  return g;
}

Feature plan_block_feature(std::string_view plan, const analysis::PlanBlock& b, int64_t id = 0) {
  return {id, b.polygon, {std::string(plan), b.block_no, text_or_null(b.leader)}};
}

bool same_block(const analysis::PlanBlock& a, const analysis::PlanBlock& b) {
  if (a.leader != b.leader || a.polygon.polygons.size() != b.polygon.polygons.size()) return false;
  for (size_t i = 0; i < a.polygon.polygons.size(); ++i)
    if (a.polygon.polygons[i].rings != b.polygon.polygons[i].rings) return false;
  return true;
}

// The same area on the ground, whatever the vertices: the editor adds the corners of neighbours on a side and
// starts rings where it likes, which changes no boundary.
bool same_shape(const Geometry& a, const Geometry& b) {
  if (same_block({0, "", a}, {0, "", b})) return true;
  if (a.is_empty() || b.is_empty()) return false;
  auto m = analysis::LocalMetres::at(a.bbox().center().y);
  double apart = geo::area(geo::difference(a, b)) + geo::area(geo::difference(b, a));
  return apart * m.kx * m.ky < analysis::kMinProblemArea;
}

void check_plan_name(const std::string& name) {
  if (name.empty()) throw Error(ErrorKind::BadInput, "plan: a plan needs a name");
  if (name.size() > 120) throw Error(ErrorKind::BadInput, "plan: the name is longer than 120 bytes");
  for (unsigned char c : name)
    if (c < 0x20) throw Error(ErrorKind::BadInput, "plan: the name has a control character");
}

std::string problem_line(const analysis::Problem& p) {
  std::string s = analysis::problem_type_name(p.type);
  s += " (blocks";
  for (auto b : p.blocks) s += " " + std::to_string(b);
  char at[64];
  std::snprintf(at, sizeof at, ") at %.6f,%.6f", p.location.x, p.location.y);
  return s + at;
}

}  // namespace

std::vector<PlanInfo> list_plans(const Workspace& ws) {
  const auto& s = ws.store();
  auto li = s.find_layer(kPlansLayer);
  if (!li) return {};
  std::vector<PlanInfo> out;
  for (auto& f : s.features(kPlansLayer)) {
    out.push_back(plan_info(f, *li));
    store::Query q;
    q.where = "plan = " + sql_text(out.back().name);
    out.back().blocks = s.count(kPlanBlocksLayer, q);
  }
  return out;
}

std::optional<PlanInfo> find_plan(const Workspace& ws, std::string_view name) {
  auto row = plan_row(ws.store(), name);
  if (!row) return std::nullopt;
  PlanInfo info = plan_info(*row, ws.store().layer(kPlansLayer));
  store::Query q;
  q.where = "plan = " + sql_text(name);
  info.blocks = ws.store().count(kPlanBlocksLayer, q);
  return info;
}

std::vector<analysis::PlanBlock> layer_blocks(const Workspace& ws, std::string_view layer) {
  LayerInfo li = ws.layer(layer);
  if (li.geom_type != GeomType::Polygon && li.geom_type != GeomType::MultiPolygon)
    throw Error(ErrorKind::BadInput, "layer '" + li.name + "' is not a polygon layer: it holds no blocks");
  std::vector<analysis::PlanBlock> out;
  for (auto& f : ws.store().features(layer))
    out.push_back({int_of(f, li, "block_no", f.id), text_of(f, li, "leader"), as_polygon(std::move(f.geometry))});
  return out;
}

std::vector<analysis::PlanBlock> plan_blocks(const Workspace& ws, std::string_view plan) {
  if (!plan_row(ws.store(), plan)) throw Error(ErrorKind::NotFound, "no plan named '" + std::string(plan) + "'");
  LayerInfo li = ws.layer(kPlanBlocksLayer);
  std::vector<analysis::PlanBlock> out;
  for (auto& f : plan_block_rows(ws.store(), plan))
    out.push_back({int_of(f, li, "block_no", 0), text_of(f, li, "leader"), as_polygon(std::move(f.geometry))});
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.block_no < b.block_no; });
  return out;
}

analysis::AddressPoints address_points(const Workspace& ws) {
  auto snap = ws.snapshot("addresses");
  const Column* hh = snap->column("households");
  if (!hh) throw Error(ErrorKind::BadInput, "layer 'addresses' has no field 'households': blocks cannot be balanced");
  const Column* compound = snap->column("compound");
  analysis::AddressPoints a;
  std::map<std::string, int32_t> index;
  for (size_t i = 0; i < snap->size(); ++i) {
    a.at.push_back({snap->lon[i], snap->lat[i]});
    double h = hh->number(i);
    a.households.push_back(std::isnan(h) ? 0 : static_cast<int64_t>(h));
    int32_t c = -1;
    if (compound && compound->valid[i]) {
      std::string name = compound->text(i);
      auto [it, added] = index.emplace(name, static_cast<int32_t>(a.compound_names.size()));
      if (added) a.compound_names.push_back(name);
      c = it->second;
    }
    a.compound.push_back(c);
  }
  return a;
}

std::optional<Geometry> district_boundary(const Workspace& ws) {
  if (!ws.store().find_layer("boundary")) return std::nullopt;
  std::vector<Geometry> parts;
  for (auto& f : ws.store().features("boundary"))
    if (!f.geometry.is_empty()) parts.push_back(std::move(f.geometry));
  if (parts.empty()) return std::nullopt;
  return parts.size() == 1 ? parts.front() : geo::union_all(parts);
}

namespace {

// A new draft's name may be used, and the principal may draw plans.
void check_new_plan(const Workspace& ws, const std::string& name) {
  access::require(ws.principal(), access::Permission::EditBlocks, "plan " + name);
  check_plan_name(name);
  if (plan_row(ws.store(), name)) throw Error(ErrorKind::BadInput, "plan: a plan named '" + name + "' exists");
}

PlanInfo write_draft(Workspace& ws, const std::string& name, const std::string& from,
                     std::span<const analysis::PlanBlock> blocks) {
  PlanInfo info{name, "draft", from.empty() ? "published" : from, now_utc(), ws.principal().user, "", "", 0};
  info.blocks = static_cast<int64_t>(blocks.size());
  ws.store().write([&](store::Writer& w) {
    ensure_plan_layers(w, ws.store());
    w.insert(kPlansLayer, {0, {}, {info.name, info.status, info.based_on, info.created_at, info.created_by, Value{}, Value{}}});
    for (auto& b : blocks) w.insert(kPlanBlocksLayer, plan_block_feature(info.name, b));
  });
  ws.invalidate(kPlansLayer);
  ws.invalidate(kPlanBlocksLayer);
  return info;
}

}  // namespace

PlanInfo new_plan(Workspace& ws, const NewPlanRequest& r) {
  check_new_plan(ws, r.name);
  return write_draft(ws, r.name, r.from, r.from.empty() ? layer_blocks(ws) : plan_blocks(ws, r.from));
}

RebalanceResult rebalance(Workspace& ws, const RebalanceRequest& r, const std::function<void(double)>& progress,
                          const std::atomic<bool>* cancel) {
  check_new_plan(ws, r.name);
  auto blocks = r.from.empty() ? layer_blocks(ws) : plan_blocks(ws, r.from);
  auto addr = address_points(ws);
  auto summary = [&](std::span<const analysis::PlanBlock> b) {
    std::vector<int32_t> block_of;
    auto metrics = analysis::block_metrics(b, addr, r.target, &block_of);
    return analysis::summarize(metrics, std::count(block_of.begin(), block_of.end(), -1), r.tolerance);
  };
  RebalanceResult out;
  out.before = summary(blocks);
  auto outcome = analysis::rebalance_blocks(blocks, addr, {r.target, r.tolerance}, progress, cancel);
  out.after = summary(outcome.blocks);
  out.moves = outcome.moves;
  out.units = outcome.units;
  out.balanced = outcome.balanced;
  if (cancel && cancel->load()) throw Error(ErrorKind::Cancelled, "rebalance cancelled");
  out.plan = write_draft(ws, r.name, r.from, outcome.blocks);
  return out;
}

ValidationReport validate(const Workspace& ws, const ValidateRequest& r) {
  ValidationReport out;
  out.subject = r.plan.empty() ? "layer " + r.layer : "plan " + r.plan;
  auto blocks = r.plan.empty() ? layer_blocks(ws, r.layer) : plan_blocks(ws, r.plan);
  out.problems = analysis::validate_blocks(blocks, district_boundary(ws));
  if (ws.store().find_layer("addresses")) {
    std::vector<int32_t> block_of;
    out.metrics = analysis::block_metrics(blocks, address_points(ws), r.target, &block_of);
    out.summary = analysis::summarize(out.metrics, std::count(block_of.begin(), block_of.end(), -1));
  }
  return out;
}

PlanDiff diff_plan(const Workspace& ws, std::string_view plan) {
  PlanDiff d;
  d.plan = plan;
  auto draft = plan_blocks(ws, plan);
  auto published = layer_blocks(ws);
  auto addr = address_points(ws);
  auto snap = ws.snapshot("addresses");
  const Column* address_text = snap->column("address");
  std::vector<int32_t> in_pub, in_draft;
  auto m_pub = analysis::block_metrics(published, addr, analysis::kDefaultTarget, &in_pub);
  auto m_draft = analysis::block_metrics(draft, addr, analysis::kDefaultTarget, &in_draft);
  std::map<int64_t, size_t> pub_of, draft_of;
  for (size_t i = 0; i < published.size(); ++i) pub_of[published[i].block_no] = i;
  for (size_t i = 0; i < draft.size(); ++i) draft_of[draft[i].block_no] = i;
  std::set<int64_t> numbers;
  for (auto& [n, i] : pub_of) numbers.insert(n);
  for (auto& [n, i] : draft_of) numbers.insert(n);
  for (int64_t n : numbers) {
    auto p = pub_of.find(n), q = draft_of.find(n);
    BlockChange c;
    c.block_no = n;
    if (p != pub_of.end()) c.leader_before = published[p->second].leader, c.households_before = m_pub[p->second].households;
    if (q != draft_of.end()) c.leader_after = draft[q->second].leader, c.households_after = m_draft[q->second].households;
    if (p == pub_of.end()) c.change = "added";
    else if (q == draft_of.end()) c.change = "removed";
    else if (!same_shape(published[p->second].polygon, draft[q->second].polygon)) c.change = "reshaped";
    else if (c.leader_before != c.leader_after) c.change = "leader";
    else continue;
    d.blocks.push_back(std::move(c));
  }
  std::set<std::string> leaders;
  for (size_t i = 0; i < addr.at.size(); ++i) {
    int64_t from = in_pub[i] >= 0 ? published[static_cast<size_t>(in_pub[i])].block_no : 0;
    int64_t to = in_draft[i] >= 0 ? draft[static_cast<size_t>(in_draft[i])].block_no : 0;
    if (from == to) continue;
    AddressMove m;
    m.address_id = snap->ids[i];
    m.address = address_text ? address_text->text(i) : std::string();
    m.households = addr.households[i];
    m.from_block = from;
    m.to_block = to;
    if (in_pub[i] >= 0) m.from_leader = published[static_cast<size_t>(in_pub[i])].leader;
    if (in_draft[i] >= 0) m.to_leader = draft[static_cast<size_t>(in_draft[i])].leader;
    m.at = addr.at[i];
    d.households_moved += m.households;
    for (auto* l : {&m.from_leader, &m.to_leader})
      if (!l->empty()) leaders.insert(*l);
    d.moves.push_back(std::move(m));
  }
  d.leaders_affected.assign(leaders.begin(), leaders.end());
  return d;
}

PublishResult publish_plan(Workspace& ws, std::string_view plan) {
  auto& store = ws.store();
  const std::string name(plan);
  try {
    access::require(ws.principal(), access::Permission::PublishBlocks, "plan " + name);
  } catch (const Error&) {
    access::audit_event(store, ws.principal().user, "plan-publish", name, "denied");
    throw;
  }
  auto row = plan_row(store, plan);
  if (!row) throw Error(ErrorKind::NotFound, "no plan named '" + name + "'");
  LayerInfo plans_info = store.layer(kPlansLayer);
  if (auto status = text_of(*row, plans_info, "status"); status != "draft")
    throw Error(ErrorKind::BadInput, "plan '" + name + "' is " + status + ": only a draft can be published");
  auto report = validate(ws, {"blocks", name});
  if (!report.problems.empty()) {
    std::string list;
    for (size_t i = 0; i < report.problems.size() && i < 3; ++i) list += (i ? "; " : "") + problem_line(report.problems[i]);
    throw Error(ErrorKind::BadInput, "plan '" + name + "' has " + std::to_string(report.problems.size()) +
                                         " validation problem(s), fix them before publishing: " + list);
  }
  PublishResult result;
  result.diff = diff_plan(ws, plan);
  auto draft = plan_blocks(ws, plan);
  auto addr = address_points(ws);
  std::vector<int32_t> block_of;
  auto metrics = analysis::block_metrics(draft, addr, analysis::kDefaultTarget, &block_of);
  // Each block's compound: the one with most of its households.
  std::vector<std::map<int32_t, int64_t>> by_compound(draft.size());
  for (size_t i = 0; i < block_of.size(); ++i)
    if (block_of[i] >= 0 && addr.compound[i] >= 0) by_compound[static_cast<size_t>(block_of[i])][addr.compound[i]] += addr.households[i];
  LayerInfo blocks_info = store.layer("blocks");
  std::vector<Feature> published_rows;
  for (size_t b = 0; b < draft.size(); ++b) {
    std::string compound;
    int64_t most = 0;
    for (auto& [c, h] : by_compound[b])
      if (h > most) most = h, compound = addr.compound_names[static_cast<size_t>(c)];
    std::map<std::string, Value> v{{"block_no", draft[b].block_no},
                                   {"leader", text_or_null(draft[b].leader)},
                                   {"households", metrics[b].households},
                                   {"addresses", metrics[b].addresses},
                                   {"compound", text_or_null(compound)}};
    Feature f{0, draft[b].polygon, {}};
    for (auto& field : blocks_info.fields) f.values.push_back(v.count(field.name) ? v[field.name] : Value{});
    published_rows.push_back(std::move(f));
  }
  // Door plates whose block changes carry the new number.
  std::vector<Feature> moved_plates;
  LayerInfo addr_info = store.layer("addresses");
  int block_field = addr_info.field_index("block_no");
  if (block_field >= 0 && !result.diff.moves.empty()) {
    std::map<int64_t, int64_t> to;
    for (auto& m : result.diff.moves) to[m.address_id] = m.to_block;
    store.scan("addresses", {}, [&](Feature&& f) {
      if (auto it = to.find(f.id); it != to.end()) {
        f.values[static_cast<size_t>(block_field)] = it->second ? Value{it->second} : Value{};
        moved_plates.push_back(std::move(f));
      }
      return true;
    });
  }
  std::optional<Feature> was_published;
  for (auto& f : store.features(kPlansLayer))
    if (text_of(f, plans_info, "status") == "published") was_published = f;
  auto old_blocks = layer_blocks(ws);
  access::AuditKey key = access::audit_key(store);
  const std::string at = now_utc(), who = ws.principal().user;
  result.superseded = was_published ? text_of(*was_published, plans_info, "name") : "published-before-" + name;
  if (!was_published && plan_row(store, result.superseded))
    throw Error(ErrorKind::BadInput, "plan: '" + result.superseded + "' exists; cannot record the plan it replaces");
  auto set_field = [&](Feature& f, const char* field, const std::string& value) {
    f.values[static_cast<size_t>(plans_info.field_index(field))] = text_or_null(value);
  };
  store.write([&](store::Writer& w) {
    if (was_published) {
      set_field(*was_published, "status", "superseded");
      w.update(kPlansLayer, *was_published);
    } else {
      // The first publish keeps what was there before as a plan of its own.
      w.insert(kPlansLayer, {0, {}, {result.superseded, "superseded", Value{}, at, who, Value{}, Value{}}});
      for (auto& b : old_blocks) w.insert(kPlanBlocksLayer, plan_block_feature(result.superseded, b));
    }
    w.clear_layer("blocks");
    for (auto& f : published_rows) w.insert("blocks", f);
    for (auto& f : moved_plates) w.update("addresses", f);
    Feature p = *row;
    set_field(p, "status", "published");
    set_field(p, "published_at", at);
    set_field(p, "published_by", who);
    w.update(kPlansLayer, p);
    // Tests kill the process here, in the middle of the transaction, to show that nothing of it lands.
    if (const char* mark = std::getenv("SITMAP_TEST_STALL_PUBLISH")) {
      std::ofstream(mark) << "publishing\n";
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    access::append_audit(w, store, key, who, "plan-publish", name,
                         "ok: " + std::to_string(draft.size()) + " blocks, " +
                             std::to_string(result.diff.households_moved) + " households moved");
  });
  ws.invalidate();
  return result;
}

// ---- an open draft

namespace {

analysis::SnapTargets snap_targets_of(const Workspace& ws) {
  std::vector<Geometry> lines;
  for (const char* layer : {"streets", "compounds", "buildings"})
    if (ws.store().find_layer(layer))
      for (auto& f : ws.store().features(layer)) lines.push_back(std::move(f.geometry));
  return analysis::SnapTargets(lines);
}

analysis::PlanEditor open_editor(Workspace& ws, std::string_view plan, double target) {
  access::require(ws.principal(), access::Permission::EditBlocks, "plan " + std::string(plan));
  auto info = find_plan(ws, plan);
  if (!info) throw Error(ErrorKind::NotFound, "no plan named '" + std::string(plan) + "'");
  if (info->status != "draft")
    throw Error(ErrorKind::BadInput, "plan '" + info->name + "' is " + info->status +
                                         ": make a new draft from it to edit (sitmap plan new --from)");
  return analysis::PlanEditor(analysis::BlockTopology::build(plan_blocks(ws, plan)), address_points(ws), target);
}

}  // namespace

PlanSession::PlanSession(Workspace& ws, std::string_view plan, double target)
    : ws_(ws),
      plan_(plan),
      editor_(open_editor(ws, plan, target)),
      targets_(snap_targets_of(ws)),
      boundary_(district_boundary(ws)),
      saved_(plan_blocks(ws, plan)) {}

void PlanSession::save() {
  auto now = editor_.topology().blocks();
  std::map<int64_t, const analysis::PlanBlock*> before, after;
  for (auto& b : saved_) before[b.block_no] = &b;
  for (auto& b : now) after[b.block_no] = &b;
  LayerInfo li = ws_.layer(kPlanBlocksLayer);
  std::map<int64_t, int64_t> row_of;
  for (auto& f : plan_block_rows(ws_.store(), plan_)) row_of[int_of(f, li, "block_no", 0)] = f.id;
  ws_.store().write([&](store::Writer& w) {
    for (auto& [n, b] : after) {
      auto it = before.find(n);
      if (it != before.end() && same_block(*it->second, *b)) continue;
      if (auto r = row_of.find(n); r != row_of.end()) w.update(kPlanBlocksLayer, plan_block_feature(plan_, *b, r->second));
      else w.insert(kPlanBlocksLayer, plan_block_feature(plan_, *b));
    }
    for (auto& [n, b] : before)
      if (!after.count(n))
        if (auto r = row_of.find(n); r != row_of.end()) w.remove(kPlanBlocksLayer, r->second);
  });
  ws_.invalidate(kPlanBlocksLayer);
  saved_ = std::move(now);
}

void PlanSession::apply(const std::function<std::vector<int>(analysis::BlockTopology&)>& edit) {
  editor_.apply(edit);
  save();
}

void PlanSession::end_drag() {
  editor_.end_drag();
  save();
}

bool PlanSession::undo() {
  if (!editor_.undo()) return false;
  save();
  return true;
}

bool PlanSession::redo() {
  if (!editor_.redo()) return false;
  save();
  return true;
}

std::vector<analysis::Problem> PlanSession::problems() const {
  return analysis::validate_blocks(editor_.topology().blocks(), boundary_);
}

}  // namespace sitmap::services

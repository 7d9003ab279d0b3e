// The 受理 workspace (#14): the duty officer's reception form (address type-ahead over the door plates, a map click
// to locate, the duplicate warning, the number issued on save), the case list with its filters, the supervision
// list (督办) and a case's file with its timeline. Every answer comes from services/cases.hpp; writes go through a
// writable handle of the same database as the signed-in principal.
#pragma once
#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sitmap/render/camera.hpp"
#include "sitmap/services/cases.hpp"
#include "sitmap/style/style.hpp"

struct ImDrawList;

namespace sitmap::ui {

class CasesView {
 public:
  enum class Tab { Reception, List, Supervision, File };

  // Reads the cases (as the workspace's principal may see them) and the door plates, at `now` (local seconds).
  void load(const services::Workspace& ws, int64_t now);
  // Every string the view may show, for the font atlas.
  std::string glyph_text() const;
  // The panel at (x, y), w × h; `database` for the writable handle a save opens.
  void draw(services::Workspace& ws, const std::filesystem::path& database, float x, float y, float w, float h,
            float scale);
  // Open cases on the map: a dot per case coloured by status, overdue ones red; the selected case ringed.
  void draw_map(ImDrawList* dl, const render::Camera& camera, float map_x, float map_y, float scale) const;
  // Open cases per 100 households as a colour per block (in the blocks snapshot's order), for the map's fill.
  std::shared_ptr<const std::vector<style::Color>> block_colors(const services::Workspace& ws) const;
  // A click on the map while the reception form is open locates the case there (the nearest door plate).
  bool wants_map_click() const { return tab_ == Tab::Reception; }
  void map_click(const services::Workspace& ws, XY lonlat);
  void show(Tab tab, const std::string& number = {});

  // The reception form, as its widgets hold it.
  int channel = 0, category = 0, room = 0;
  std::array<char, 256> address{}, reporter{}, phone{}, description{}, department{};
  std::array<char, 256> password{};  // wiped after each save

 private:
  void reception(services::Workspace& ws, const std::filesystem::path& database, float scale);
  void case_table(const std::vector<const services::Case*>& rows, float scale);
  void file(float scale);
  void refresh_candidates(const services::Workspace& ws);
  // Work orders from the city grid centre dropped into exchange/inbox/ beside the database (*.jsonl): imported
  // as the signed-in duty officer (services::import_exchange), then moved to exchange/done/ or exchange/failed/.
  void pick_up_orders(services::Workspace& ws, const std::filesystem::path& database);

  Tab tab_ = Tab::Reception;
  int64_t now_ = 0;
  std::vector<services::Case> cases_;
  services::CaseFile file_;
  std::vector<services::DoorPlate> candidates_;
  std::vector<services::Case> duplicates_;
  std::string last_query_, located_, message_, saved_, exchange_;
  double polled_ = -1e9;
  std::optional<XY> location_;
  // List filters.
  int status_ = 0, filter_category_ = 0, block_ = 0;
  std::array<char, 64> filter_department_{};
  bool overdue_only_ = false;
};

}  // namespace sitmap::ui

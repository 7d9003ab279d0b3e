// 工作台账: the ledger of cases, one row per case, for a spreadsheet (io::write_table).
#include "sitmap/services/cases.hpp"

namespace sitmap::services {

io::Table case_ledger(const Workspace& ws, const TimeRange& received) {
  CaseFilter f;
  f.received = received;
  int64_t now = local_now();
  io::Table t;
  t.columns = {"案件编号", "受理时间", "渠道", "类别", "地址", "网格", "接待室", "责任部门", "办理期限", "状态",
               "分流时间", "办结时间", "办理结果", "回访时间", "回访情况", "归档时间", "督办次数", "退回次数", "逾期"};
  auto text = [](const std::string& s) { return s.empty() ? Value() : Value(s); };
  for (auto& c : list_cases(ws, f))
    t.rows.push_back({c.number, c.received_at, c.channel, c.category, c.address,
                      c.block_no ? Value(c.block_no) : Value(), text(c.room), text(c.department), c.deadline, c.status,
                      text(c.routed_at), text(c.closed_at), text(c.result), text(c.visited_at), text(c.visit),
                      text(c.archived_at), c.supervisions, c.returns, std::string(c.overdue(now) ? "是" : "否")});
  return t;
}

}  // namespace sitmap::services

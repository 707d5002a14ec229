//! The app's components, one per file.

pub mod app_body;
pub mod export_menu;
pub mod filter_panel;
pub mod header;
pub mod keyboard;
pub mod link_badges;
pub mod load_state;
pub mod marked_text;
pub mod paper_map;
pub mod paper_view;
pub mod perf;
pub mod reading_list;
pub mod result_item;
pub mod result_list;
pub mod save_button;
pub mod search_box;
pub mod status_line;
pub mod topic_chip;
pub mod trends_panel;
pub mod view_link;
pub mod view_tabs;
pub mod zero_results;

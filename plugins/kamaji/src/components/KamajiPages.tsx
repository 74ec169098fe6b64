import { Route, Routes } from 'react-router-dom';
import { FleetTopologyPage } from './FleetPage';
import { UpgradesPage } from './UpgradesPage';

/** The plugin's pages under its mount point: the fleet topology and `/upgrades`. */
export function KamajiPages() {
  return (
    <Routes>
      <Route path="/" element={<FleetTopologyPage />} />
      <Route path="/upgrades" element={<UpgradesPage />} />
    </Routes>
  );
}

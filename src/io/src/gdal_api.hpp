// GDAL, loaded on first use (core/lazy_library.hpp): every GDAL function io calls is listed here and stands in
// namespace sitmap::io as an object of the same name and signature, so io's code reads as plain GDAL and nothing
// links libgdal. GDAL's headers still give the types and signatures.
#pragma once
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_frmts.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "sitmap/core/lazy_library.hpp"

namespace sitmap::io {

inline constinit const LazyLibrary gdal_library{SITMAP_GDAL_LIBRARY, "GDAL"};

#define SITMAP_GDAL_FUNCTIONS(X) \
  X(CPLGetErrorHandlerUserData) X(CPLPopErrorHandler) X(CPLPushErrorHandlerEx) X(CPLSetThreadLocalConfigOption) \
  X(CSLDestroy) X(GDALAllRegister) X(GDALClose) X(GDALCreate) X(GDALDatasetCommitTransaction) \
  X(GDALDatasetCreateLayer) X(GDALDatasetGetLayer) X(GDALDatasetGetLayerByName) X(GDALDatasetGetLayerCount) \
  X(GDALDatasetGetNextFeature) X(GDALDatasetResetReading) X(GDALDatasetStartTransaction) X(GDALGetColorEntryAsRGB) \
  X(GDALGetColorEntryCount) X(GDALGetDatasetDriver) X(GDALGetDriverByName) X(GDALGetDriverShortName) \
  X(GDALGetFileList) X(GDALGetGeoTransform) X(GDALGetRasterBand) X(GDALGetRasterColorInterpretation) \
  X(GDALGetRasterColorTable) X(GDALGetRasterCount) X(GDALGetRasterDataType) X(GDALGetRasterXSize) \
  X(GDALGetRasterYSize) X(GDALGetSpatialRef) X(GDALOpenEx) X(GDALRasterIO) X(GDALRegister_GTiff) \
  X(GDALSetDescription) X(GDALSetGeoTransform) X(GDALSetMetadataItem) X(GDALSetProjection) \
  X(GDALSetRasterStatistics) X(GDALSetRasterUnitType) X(GDALVersionInfo) X(GDALWarp) X(GDALWarpAppOptionsFree) \
  X(GDALWarpAppOptionsNew) X(OGRGeometryTypeToName) X(OGR_FD_GetFieldCount) X(OGR_FD_GetFieldDefn) \
  X(OGR_FD_GetFieldIndex) X(OGR_F_Create) X(OGR_F_Destroy) X(OGR_F_GetFID) X(OGR_F_GetFieldAsDateTimeEx) \
  X(OGR_F_GetFieldAsDouble) X(OGR_F_GetFieldAsInteger64) X(OGR_F_GetFieldAsString) X(OGR_F_GetGeometryRef) \
  X(OGR_F_IsFieldSetAndNotNull) X(OGR_F_SetFieldDouble) X(OGR_F_SetFieldInteger64) X(OGR_F_SetFieldNull) \
  X(OGR_F_SetFieldString) X(OGR_F_SetGeometryDirectly) X(OGR_Fld_Create) X(OGR_Fld_Destroy) X(OGR_Fld_GetNameRef) \
  X(OGR_Fld_GetType) X(OGR_GT_Flatten) X(OGR_GT_IsNonLinear) X(OGR_G_Clone) X(OGR_G_CreateFromWkb) \
  X(OGR_G_CreateFromWkt) X(OGR_G_DestroyGeometry) X(OGR_G_ExportToIsoWkb) X(OGR_G_ExportToIsoWkt) X(OGR_G_ForceTo) \
  X(OGR_G_ForceToMultiLineString) X(OGR_G_ForceToMultiPoint) X(OGR_G_ForceToMultiPolygon) X(OGR_G_GetGeometryCount) \
  X(OGR_G_GetGeometryRef) X(OGR_G_GetGeometryType) X(OGR_G_GetLinearGeometry) X(OGR_G_GetX) X(OGR_G_GetY) \
  X(OGR_G_IsEmpty) X(OGR_G_WkbSize) X(OGR_L_CreateFeature) X(OGR_L_CreateField) X(OGR_L_GetFeatureCount) \
  X(OGR_L_GetGeomType) X(OGR_L_GetLayerDefn) X(OGR_L_GetName) X(OGR_L_GetNextFeature) X(OGR_L_GetSpatialRef) \
  X(OGR_L_ResetReading) X(OGR_L_TestCapability) X(OSRExportToWkt) X(OSRExportToWktEx) X(OSRGetAuthorityCode) \
  X(OSRGetAuthorityName) X(OSRImportFromEPSG) X(OSRIsProjected) X(OSRNewSpatialReference) X(OSRRelease) \
  X(OSRSetAxisMappingStrategy) X(OSRSetFromUserInput) X(VSIFCloseL) X(VSIFOpenL) X(VSIFReadL) X(VSIFree) \
  X(VSIReadDirRecursive) X(VSIStatL)

// Objects, not functions: unqualified calls from io find them before GDAL's declarations, with no
// argument-dependent lookup to bring GDAL's back. GDAL marks some functions warn_unused_result, an attribute
// their pointer types cannot carry.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
#define SITMAP_GDAL_FUNCTION(name) inline constinit const LazyFunction<gdal_library, decltype(&::name)> name{#name};
SITMAP_GDAL_FUNCTIONS(SITMAP_GDAL_FUNCTION)
#undef SITMAP_GDAL_FUNCTION
#pragma GCC diagnostic pop

}  // namespace sitmap::io
